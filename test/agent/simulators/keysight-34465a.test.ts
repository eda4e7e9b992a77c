import { describe, expect, it } from "vitest";
import { getSimDefinition } from "@telecal/agent/simulators/catalog";
import { InstrumentSimulator } from "@telecal/agent/simulators/engine";

/** A fixed clock and a fixed "random" source make the noise zero-mean and the replies exact. */
function dmm(): InstrumentSimulator {
  return new InstrumentSimulator(getSimDefinition("keysight-34465a"), { now: () => 0, random: () => 0.75 });
}

/** Protocol exchange as in the 34465A programming guide: [sent, expected reply or null]. */
function exchange(sim: InstrumentSimulator, steps: Array<[string, string | null]>): void {
  for (const [sent, expected] of steps) expect(sim.handle(sent).text, sent).toBe(expected);
}

describe("simulated Keysight 34465A", () => {
  it("identifies, measures and reports errors like the real meter", () => {
    exchange(dmm(), [
      ["*IDN?", "Keysight Technologies,34465A,MY59001234,A.03.01-02.40-03.01-00.52-03-02"],
      ["SYST:ERR?", '+0,"No error"'],
      // u = 0.25, v = 0.75: Box-Muller gives sqrt(-2 ln 0.25) * cos(1.5 pi) = ~0, so nominal exactly.
      ["MEAS:VOLT:DC?", "+1.00000120E+01"],
      ["CONF:RES", null],
      ["READ?", "+1.00002100E+02"],
      ["CONF?", '"res2w"'],
      ["FOO:BAR", null],
      ["CONF:VOLT:DC 5000", null],
      ["SYST:ERR?", '-113,"Undefined header"'],
      ["SYST:ERR?", '-222,"Data out of range"'],
      ["SYST:ERR?", '+0,"No error"'],
      ["CONF:VOLT:DC;:READ?;*OPC?", "+1.00000120E+01;1"],
    ]);
  });

  it("keeps at most 20 errors and ends the queue with -350 Queue overflow", () => {
    const sim = dmm();
    for (let i = 0; i < 30; i++) sim.handle("NOPE");
    const replies: string[] = [];
    for (let i = 0; i < 21; i++) replies.push(sim.handle("SYST:ERR?").text ?? "");
    expect(replies.slice(0, 19).every((r) => r === '-113,"Undefined header"')).toBe(true);
    expect(replies[19]).toBe('-350,"Queue overflow"');
    expect(replies[20]).toBe('+0,"No error"');
  });
});

describe("IEEE 488.2 status registers of the simulated 34465A", () => {
  it("sets ESR bits by error class, reports them in *STB? through *ESE, and clears with *CLS", () => {
    exchange(dmm(), [
      ["*ESR?", "0"],
      ["*STB?", "0"],
      ["FOO", null],
      ["*STB?", "4"],
      ["*ESE 48", null],
      ["*ESE?", "48"],
      ["*STB?", "36"],
      ["*ESR?", "32"],
      ["*ESR?", "0"],
      ["CONF:VOLT:DC 5000", null],
      ["*ESR?", "16"],
      ["*CLS", null],
      ["*STB?", "0"],
    ]);
  });
});
