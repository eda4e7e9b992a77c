import { ReadingFlag } from "@telecal/protocols";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getSimDefinition } from "@telecal/agent/simulators/catalog";
import { TestBench, waitFor } from "../../fakes/bench";

describe("each shipped driver drives its family's simulator over TCP", () => {
  let bench: TestBench;
  afterEach(async () => {
    await bench?.close();
  });

  it("calibrator and DMM: the DMM reads what the agent sets on the calibrator", async () => {
    bench = new TestBench();
    const cal = await bench.add(getSimDefinition("fluke-5522a"), "fluke-5522a", { role: "reference" });
    const dmm = await bench.add(getSimDefinition("keysight-34465a"), "keysight-34465a");
    await waitFor("both identities", () => (cal.changed > 0 && dmm.changed > 0 ? true : undefined));
    expect(cal.instrument.describe()).toMatchObject({ maker: "FLUKE", model: "5522A", serial: "9876543" });
    await cal.instrument.setProperty("output", 10);
    await cal.instrument.setProperty("operate", "oper");
    expect(await cal.instrument.getProperty("output")).toEqual({ value: 10, flags: 0 });
    const from = dmm.readings.length;
    const reading = await waitFor("a DMM reading near 10 V", () =>
      dmm.readings.slice(from).find((r) => r.value !== null && Math.abs(r.value - 10) < 0.001),
    );
    expect(reading.flags).toBe(0);
    // The driver refuses what is outside its limits before a byte is sent.
    await expect(cal.instrument.setProperty("output", 2000)).rejects.toThrow(/at most 1020/);
    await expect(cal.instrument.setProperty("operate", "ON")).rejects.toThrow(/OPER, STBY/);
    // The calibrator's own refusal (user LIMIT) comes back with the instrument's code.
    cal.sim.handle("LIMIT 5 V, -5 V");
    await expect(cal.instrument.setProperty("output", 8)).rejects.toThrow(/instrument error -222/);
  });

  it("calibrator and DMM in resistance: the DMM's res2w reads the calibrator's ohms; the driver refuses what is beyond 0 to 1100 MΩ before a byte is sent", async () => {
    bench = new TestBench();
    const cal = await bench.add(getSimDefinition("fluke-5522a"), "fluke-5522a", { role: "reference" });
    const dmm = await bench.add(getSimDefinition("keysight-34465a"), "keysight-34465a", { id: "dmm1", measurement: "res2w" });
    await waitFor("both identities", () => (cal.changed > 0 && dmm.changed > 0 ? true : undefined));
    expect(dmm.instrument.describe().streams).toEqual([{ id: "dmm1.res2w", quantity: "resistance", unit: "Ω" }]);
    const sent = vi.spyOn(cal.sim, "handle");
    await cal.instrument.setProperty("resistance", 10_000);
    await cal.instrument.setProperty("operate", "OPER");
    expect(sent.mock.calls.map(([line]) => line)).toEqual(expect.arrayContaining(["OUT 10000 OHM", "OPER"]));
    expect(cal.sim.property("mode")).toBe("OHM");
    const from = dmm.readings.length;
    // 10 kΩ read 12 ppm + 1 mΩ high: 10 000.121 Ω.
    const reading = await waitFor("a DMM reading near 10 kΩ", () => dmm.readings.slice(from).find((r) => r.value !== null && Math.abs(r.value - 10_000.121) < 0.01));
    expect(reading.flags).toBe(0);
    sent.mockClear();
    await expect(cal.instrument.setProperty("resistance", 2e9)).rejects.toMatchObject({ code: "TC_ERR_VALIDATION", message: expect.stringMatching(/at most 1100000000/) });
    await expect(cal.instrument.setProperty("resistance", -1)).rejects.toThrow(/at least 0/);
    await expect(cal.instrument.setProperty("resistance", Number.NaN)).rejects.toThrow(/a finite number/);
    expect(sent.mock.calls.filter(([line]) => line.startsWith("OUT"))).toEqual([]);
    expect(cal.sim.property("resistance")).toBe(10_000);
    // The calibrator's own voltage stream says nothing while it sources ohms: OUT? answers in OHM, never an ohm figure as volts.
    expect(cal.sim.handle("OUT?").text).toMatch(/^\+1\.0+E\+04,OHM,/);
    const calFrom = cal.readings.length;
    const noVolts = await waitFor("a calibrator reading in OHM", () => cal.readings[calFrom]);
    expect(noVolts).toMatchObject({ value: null, flags: 0 });
    expect(await cal.instrument.getProperty("output")).toEqual({ value: null, flags: 0 });
    // In standby the meter's input is open: an overload, flagged, with no value.
    await cal.instrument.setProperty("operate", "STBY");
    const open = dmm.readings.length;
    const overload = await waitFor("an overload reading", () => dmm.readings.slice(open).find((r) => r.value === null));
    expect(overload.flags & ReadingFlag.overload).toBe(ReadingFlag.overload);
    // The voltage output still works beside it.
    await cal.instrument.setProperty("output", 10);
    expect(await cal.instrument.getProperty("output")).toEqual({ value: 10, flags: 0 });
    expect(cal.sim.property("mode")).toBe("V");
  });

  it("Druck PACE: header-repeating replies parse to pressure", async () => {
    bench = new TestBench();
    const pace = await bench.add(getSimDefinition("druck-pace"), "druck-pace");
    const r = await waitFor("a pressure reading", () => pace.readings[0]);
    expect(r.value).toBeCloseTo(1013.25, 1);
    await pace.instrument.setProperty("setpoint", 1200);
    await pace.instrument.setProperty("control", "on");
    expect(await pace.instrument.getProperty("setpoint")).toEqual({ value: 1200, flags: 0 });
    expect(pace.instrument.describe().streams[0]).toMatchObject({ quantity: "pressure", unit: "hPa" });
  });

  it("MT-SICS balance: weights with stability flags, identity from I2 and I4", async () => {
    bench = new TestBench();
    const bal = await bench.add(getSimDefinition("mettler-toledo-balance"), "mettler-toledo-balance");
    await waitFor("the balance's identity", () => (bal.changed > 0 ? true : undefined));
    expect(bal.instrument.describe()).toMatchObject({ model: "XPR205 Excellence 220.00000 g", serial: "B123456789" });
    const stable = await waitFor("a stable weight", () => bal.readings.find((r) => r.flags === 0));
    expect(stable.value).toBeCloseTo(100, 3);
    bal.sim.setProperty("load", 20);
    await waitFor("an unstable weight after the load changed", () =>
      bal.readings.find((r) => r.flags === ReadingFlag.unstable),
    );
    bal.sim.setProperty("load", 900);
    await waitFor("an overload", () => bal.readings.find((r) => r.flags === ReadingFlag.overload && r.value === null));
  });

  it("Hart 1524: the line dialect reads temperatures", async () => {
    bench = new TestBench();
    const hart = await bench.add(getSimDefinition("hart-1524"), "hart-1524");
    const r = await waitFor("a temperature", () => hart.readings[0]);
    expect(r.value).toBeCloseTo(23.451, 2);
    expect(hart.instrument.describe()).toMatchObject({ maker: "HART", model: "1524", serial: "A2B345" });
  });
});
