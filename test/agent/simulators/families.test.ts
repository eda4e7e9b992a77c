import { describe, expect, it } from "vitest";
import { getSimDefinition } from "@telecal/agent/simulators/catalog";
import { InstrumentSimulator } from "@telecal/agent/simulators/engine";
import { SimulatorGroup } from "@telecal/agent/simulators/group";

/** A clock the test moves, and a "random" source that makes the Gaussian noise exactly zero. */
function env() {
  let now = 0;
  return { now: () => now, random: () => 0.75, advance: (ms: number) => (now += ms) };
}

function exchange(sim: InstrumentSimulator, steps: Array<[string, string | null]>): void {
  for (const [sent, expected] of steps) expect(sim.handle(sent).text, sent).toBe(expected);
}

describe("simulated Fluke 5522A calibrator", () => {
  it("sets DC and AC outputs, switches OPER/STBY, keeps user limits and reports errors", () => {
    const sim = new InstrumentSimulator(getSimDefinition("fluke-5522a"), env());
    exchange(sim, [
      ["*IDN?", "FLUKE,5522A,9876543,1.8+1.3+2.0+*"],
      ["OUT 10 V", null],
      ["OUT?", "+1.00000000E+01,V,0.000000E+00,0,+0.00000000E+00"],
      ["OUT 1 V, 1 kHz", null],
      ["OUT?", "+1.00000000E+00,V,0.000000E+00,0,+1.00000000E+03"],
      ["OUT 100 mV", null],
      ["OUT?", "+1.00000000E-01,V,0.000000E+00,0,+0.00000000E+00"],
      ["OPER?", "STBY"],
      ["OPER", null],
      ["OPER?", "OPER"],
      ["LIMIT 20 V, -20 V", null],
      ["OUT 50 V", null],
      ["ERR?", '-222,"Data out of range"'],
      ["OUT?", "+1.00000000E-01,V,0.000000E+00,0,+0.00000000E+00"],
      ["OUT 10 A", null],
      ["ERR?", '-104,"Data type error"'],
      ["STBY", null],
      ["ERR?", '+0,"No error"'],
    ]);
  });
});

describe("linked simulators", () => {
  it("the DMM reads what the calibrator outputs while it is in OPER, and settles", () => {
    const clock = env();
    const group = new SimulatorGroup(clock);
    const cal = group.add(getSimDefinition("fluke-5522a"));
    const dmm = group.add(getSimDefinition("keysight-34465a"));
    expect(Number(dmm.handle("MEAS:VOLT:DC?").text)).toBeCloseTo(0.0000003, 9);
    cal.handle("OUT 5 V");
    expect(Number(dmm.handle("READ?").text)).toBeCloseTo(0.0000003, 9);
    cal.handle("OPER");
    expect(Number(dmm.handle("READ?").text)).toBeCloseTo(5.0000012, 9);
    cal.handle("STBY");
    expect(Number(dmm.handle("READ?").text)).toBeCloseTo(0.0000003, 9);
  });

  it("the calibrator sources a resistance by its unit, and the DMM reads it 12 ppm + 1 mΩ high; open input: overload", () => {
    const group = new SimulatorGroup(env());
    const cal = group.add(getSimDefinition("fluke-5522a"));
    const dmm = group.add(getSimDefinition("keysight-34465a"));
    exchange(cal, [
      ["OUT 1 kOHM", null],
      ["ERR?", '+0,"No error"'],
    ]);
    expect(cal.property("resistance")).toBe(1000);
    expect(cal.property("mode")).toBe("OHM");
    // Standby: nothing across the input terminals, as a real meter shows an open circuit.
    exchange(dmm, [["CONF:RES AUTO", null], ["READ?", "+9.90000000E+37"]]);
    cal.handle("OPER");
    expect(Number(dmm.handle("READ?").text)).toBeCloseTo(1000 * 1.000012 + 0.001, 6);
    expect(Number(dmm.handle("MEAS:RES?").text)).toBeCloseTo(1000.013, 6);
    cal.handle("OUT 10 MOHM");
    // 10 000 120.001 Ω, in the nine digits of an NR3 reply.
    expect(dmm.handle("READ?").text).toBe("+1.00001200E+07");
    // The voltage function reads nothing of a resistance output, the resistance function nothing of a voltage.
    expect(Number(dmm.handle("MEAS:VOLT:DC?").text)).toBeCloseTo(0.0000003, 9);
    cal.handle("OUT 10 V");
    expect(cal.property("mode")).toBe("V");
    expect(Number(dmm.handle("MEAS:VOLT:DC?").text)).toBeCloseTo(10.0000012, 9);
    expect(dmm.handle("MEAS:RES?").text).toBe("+9.90000000E+37");
  });

  it("the calibrator refuses a resistance beyond 1100 MΩ or below 0 Ω and keeps its output", () => {
    const cal = new InstrumentSimulator(getSimDefinition("fluke-5522a"), env());
    exchange(cal, [
      ["OUT 100 OHM", null],
      ["OUT 2000 MOHM", null],
      ["ERR?", '-222,"Data out of range"'],
      ["OUT -1 OHM", null],
      ["ERR?", '-222,"Data out of range"'],
      ["ERR?", '+0,"No error"'],
    ]);
    expect(cal.property("resistance")).toBe(100);
  });
});

describe("simulated Druck PACE", () => {
  it("repeats the header in replies and settles on a new set-point", () => {
    const clock = env();
    const sim = new InstrumentSimulator(getSimDefinition("druck-pace"), clock);
    exchange(sim, [
      [":SENS:PRES?", ":SENS:PRES 1013.250"],
      [":SOUR:PRES 1500", null],
      [":SOUR:PRES?", ":SOUR:PRES 1500.000"],
      [":OUTP:STAT ON", null],
      [":OUTP:STAT?", ":OUTP:STAT ON"],
    ]);
    clock.advance(1500);
    const midway = Number(sim.handle(":SENS:PRES?").text!.split(" ")[1]);
    expect(midway).toBeGreaterThan(1013.25);
    expect(midway).toBeLessThan(1500);
    clock.advance(60_000);
    expect(sim.handle(":SENS:PRES?").text).toBe(":SENS:PRES 1500.000");
    exchange(sim, [[":SOUR:PRES 5000", null], ["SYST:ERR?", '-222,"Data out of range"']]);
  });
});

describe("simulated Mettler Toledo balance (MT-SICS)", () => {
  it("answers weights with stability, over-range, and ES / EL", () => {
    const clock = env();
    const sim = new InstrumentSimulator(getSimDefinition("mettler-toledo-balance"), clock);
    exchange(sim, [
      ["I4", 'I4 A "B123456789"'],
      ["SI", "S S  100.00000 g"],
      ["Z", "Z A"],
      ["XYZ", "ES"],
    ]);
    expect(sim.setProperty("load", 50)).toBe(true);
    expect(sim.handle("SI").text).toMatch(/^S D /);
    clock.advance(10_000);
    expect(sim.handle("SI").text).toBe("S S   50.00000 g");
    sim.setProperty("load", 500);
    clock.advance(5000);
    expect(sim.handle("SI").text).toBe("S +");
  });

  it("streams with SIR until @", () => {
    const sim = new InstrumentSimulator(getSimDefinition("mettler-toledo-balance"), env());
    const lines: string[] = [];
    sim.onOutput((l) => lines.push(l));
    expect(sim.handle("SIR").text).toBeNull();
    expect(sim.property("repeat")).toBe("ON");
    expect(sim.handle("@").text).toBe('I4 A "B123456789"');
    expect(sim.property("repeat")).toBe("OFF");
    sim.dispose();
  });
});

describe("simulated Hart 1524 readout", () => {
  it("answers FETC? and turns its serial feed on and off", () => {
    const sim = new InstrumentSimulator(getSimDefinition("hart-1524"), env());
    exchange(sim, [
      ["*IDN?", "HART,1524,A2B345,1.10"],
      ["FETC?", "23.4512 C"],
      ["FETC? 1", "23.4512 C"],
      ["SYST:COMM:SER:FEED ON", null],
      ["SYST:COMM:SER:FEED?", "ON"],
    ]);
    sim.dispose();
  });
});

describe("faults", () => {
  it("stall, drop, garbage and busy each show as the definition's probabilities say", () => {
    const sim = new InstrumentSimulator(getSimDefinition("keysight-34465a"), { now: () => 0, random: () => 0.5 });
    sim.faults.stall = 1;
    expect(sim.handle("*IDN?")).toEqual({ text: null, delayMs: 0 });
    sim.faults.stall = 0;
    sim.faults.drop = 1;
    expect(sim.handle("*IDN?").close).toBe(true);
    sim.faults.drop = 0;
    sim.faults.garbage = 1;
    expect(sim.handle("*IDN?").text).not.toContain("Keysight");
    sim.faults.garbage = 0;
    sim.faults.busy = 1;
    expect(sim.handle("*IDN?").delayMs).toBe(2000);
  });
});
