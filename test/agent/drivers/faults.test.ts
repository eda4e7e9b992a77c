import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { DriverCatalog } from "@telecal/agent/drivers/catalog";
import { getSimDefinition } from "@telecal/agent/simulators/catalog";
import { TestBench, waitFor } from "../../fakes/bench";

/** The shipped 34465A driver with a short timeout, so that stalls cost little test time. */
function impatientDrivers(): DriverCatalog {
  const dir = mkdtempSync(join(tmpdir(), "telecal-drivers-"));
  const source = fileURLToPath(new URL("../../../agent/src/drivers/defs/keysight-34465a.yaml", import.meta.url));
  writeFileSync(join(dir, "keysight-34465a.yaml"), readFileSync(source, "utf8").replace("timeoutMs: 5000", "timeoutMs: 150"));
  return new DriverCatalog([dir]);
}

describe("a misbehaving instrument never yields a wrong reading", () => {
  let bench: TestBench;
  afterEach(async () => {
    await bench?.close();
  });

  it("garbage, stalls, late replies and a flood of unsolicited lines: every reading is the meter's own", async () => {
    bench = new TestBench(impatientDrivers());
    const dmm = await bench.add(getSimDefinition("keysight-34465a"), "keysight-34465a", { intervalMs: 10 });
    await waitFor("first clean readings", () => (dmm.readings.length >= 5 ? true : undefined));
    Object.assign(dmm.sim.faults, { garbage: 0.15, stall: 0.05, busy: 0.1, busyDelayMs: 300 });
    const before = dmm.readings.length;
    await waitFor("30 more readings under faults", () => (dmm.readings.length >= before + 30 ? true : undefined), 25_000);
    Object.assign(dmm.sim.faults, { garbage: 0, stall: 0, busy: 0 });
    // A flood of lines nobody asked for, numbers that look like readings: no reply is trusted while it lasts.
    const flood = setInterval(() => {
      for (let i = 0; i < 5; i++) dmm.sim.emit("+9.99900000E+02");
    }, 5);
    await new Promise((r) => setTimeout(r, 1500));
    clearInterval(flood);
    const afterFlood = dmm.readings.length;
    await waitFor("readings again once the line is quiet", () => (dmm.readings.length >= afterFlood + 5 ? true : undefined));
    for (const r of dmm.readings) {
      expect(r.value).not.toBeNull();
      expect(r.value!).toBeGreaterThan(9.9999);
      expect(r.value!).toBeLessThan(10.0001);
    }
    expect(dmm.instrument.transport.isUp).toBe(true);
  });
});
