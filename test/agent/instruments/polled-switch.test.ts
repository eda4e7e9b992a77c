import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, AgentConfig, Outbox, silentLogger } from "@telecal/agent";
import { describe, expect, it } from "vitest";
import type { PolledInstrument } from "@telecal/agent/instruments/polled-instrument";
import { getSimDefinition } from "@telecal/agent/simulators/catalog";
import { TestBench, waitFor } from "../../fakes/bench";

describe("a polled instrument that switches its measurement", () => {
  it("sends each reading to the stream of the function that took it, however the switch and the samples interleave", async () => {
    const bench = new TestBench();
    try {
      // The calibrator sources 1 kΩ: the meter's resistance function reads 1000.013 Ω, its voltage function 0.3 µV.
      const cal = bench.group.add(getSimDefinition("fluke-5522a"));
      cal.handle("OUT 1 kOHM");
      cal.handle("OPER");
      // 30 ms per sample, 20 of them the confirm window: switches land in every phase of a sample.
      const dmm = await bench.add(getSimDefinition("keysight-34465a"), "keysight-34465a", { id: "dmm1", intervalMs: 30 });
      await waitFor("a first DC voltage reading and the identity", () => (dmm.readings.length > 0 && dmm.instrument.describe().model !== "" ? true : undefined));
      const changed = dmm.changed;
      expect(dmm.instrument.describe().streams).toEqual([{ id: "dmm1.dcv", quantity: "voltage", unit: "V" }]);
      for (let round = 0; round < 16; round++) {
        const to = round % 2 === 0 ? "res2w" : "dcv";
        await dmm.instrument.use(to);
        expect(dmm.instrument.streamId).toBe(`dmm1.${to}`);
        const before = dmm.streams.filter((s) => s === `dmm1.${to}`).length;
        await waitFor(`a reading on dmm1.${to}`, () => (dmm.streams.filter((s) => s === `dmm1.${to}`).length > before ? true : undefined));
        await new Promise((r) => setTimeout(r, (round * 7) % 30));
      }
      const of = (stream: string) => dmm.readings.filter((_, i) => dmm.streams[i] === stream).map((r) => r.value);
      const dcv = of("dmm1.dcv");
      const res = of("dmm1.res2w");
      expect(dcv.length).toBeGreaterThan(8);
      expect(res.length).toBeGreaterThanOrEqual(8);
      expect(dmm.streams.every((s) => s === "dmm1.dcv" || s === "dmm1.res2w")).toBe(true);
      // Noise is 4 µV and 0.6 mΩ: a value of the other function is off by about 1000 either way.
      expect(dcv.filter((v) => v === null || Math.abs(v - 0.0000003) > 0.0001), "resistance readings in the voltage stream").toEqual([]);
      expect(res.filter((v) => v === null || Math.abs(v - 1000.013) > 0.01), "voltage readings in the resistance stream").toEqual([]);
      // The new stream was announced once, the first time; both stay listed, the outbox may still hold either.
      expect(dmm.changed - changed).toBe(1);
      expect(dmm.instrument.describe().streams.map((s) => [s.id, s.unit])).toEqual([
        ["dmm1.dcv", "V"],
        ["dmm1.res2w", "Ω"],
      ]);
    } finally {
      await bench.close();
    }
  });

  it("refuses a measurement its driver does not have, and keeps sampling the current one", async () => {
    const bench = new TestBench();
    try {
      const dmm = await bench.add(getSimDefinition("keysight-34465a"), "keysight-34465a", { id: "dmm1", intervalMs: 30 });
      await expect(dmm.instrument.use("frequency")).rejects.toMatchObject({ code: "TC_ERR_UNKNOWN_DRIVER" });
      expect(dmm.instrument.streamId).toBe("dmm1.dcv");
      expect(dmm.instrument.describe().streams.map((s) => s.id)).toEqual(["dmm1.dcv"]);
    } finally {
      await bench.close();
    }
  });
});

describe("an agent restarted while readings of a switched-to measurement wait in its outbox", () => {
  it("announces their stream again at once, so the server takes them before any job switches the meter back", () => {
    const dir = mkdtempSync(join(tmpdir(), "telecal-switch-"));
    try {
      const file = join(dir, "outbox.db");
      const before = new Outbox({ file, log: silentLogger });
      before.push("dmm1", "dmm1.res2w", "Ω", { t: 1_700_000_000_000, value: 1000.013, flags: 0 });
      before.commit();
      before.close();
      const config = AgentConfig.parse({
        version: 1,
        server: { url: "http://127.0.0.1:9" },
        agent: { id: "lab-1", name: "Lab 1" },
        instruments: [{ id: "dmm1", driver: "keysight-34465a", role: "uut", transport: { type: "tcp", host: "127.0.0.1", port: 9 } }],
      });
      const agent = new Agent(config, silentLogger, undefined, { outboxFile: file });
      try {
        const dmm = agent.hello().instruments.find((i) => i.id === "dmm1")!;
        expect(dmm.streams).toEqual([
          { id: "dmm1.dcv", quantity: "voltage", unit: "V" },
          { id: "dmm1.res2w", quantity: "resistance", unit: "Ω" },
        ]);
        // It samples what its config says until a job's read step switches it.
        expect((agent.instruments[0] as PolledInstrument).streamId).toBe("dmm1.dcv");
      } finally {
        agent.outbox.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
