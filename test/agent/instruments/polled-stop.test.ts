import { describe, expect, it } from "vitest";
import { getSimDefinition } from "@telecal/agent/simulators/catalog";
import { TestBench, waitFor } from "../../fakes/bench";

describe("a polled instrument's stop()", () => {
  it("returns only when no reading can follow it, even when stopped while a reading is being confirmed", async () => {
    // At 30 ms per sample, 20 ms of it is the confirm window: a stop at a random moment often lands in it.
    const late: number[] = [];
    for (let round = 0; round < 25; round++) {
      const bench = new TestBench();
      try {
        const dmm = await bench.add(getSimDefinition("keysight-34465a"), "keysight-34465a", { intervalMs: 30 });
        const first = await waitFor("a first reading", () => (dmm.readings.length > 0 ? dmm.readings.length : undefined));
        await waitFor("the next reading", () => (dmm.readings.length > first ? true : undefined));
        await new Promise((r) => setTimeout(r, (round * 7) % 30));
        await dmm.instrument.stop();
        const atStop = dmm.readings.length;
        await new Promise((r) => setTimeout(r, 60));
        if (dmm.readings.length !== atStop) late.push(round);
      } finally {
        await bench.close();
      }
    }
    expect(late, "rounds in which a reading arrived after stop() returned").toEqual([]);
  });
});
