import { isTelecalError, type SessionInstrument } from "@telecal/protocols";
import { checkEnvelope, outputEnvelope, Procedure } from "@telecal/metrology";
import { getProcedure, loadProcedures } from "@telecal/server";
import { describe, expect, it } from "vitest";

const procedures = loadProcedures();
const cal = (envelope: SessionInstrument["envelope"]): SessionInstrument => ({ instrumentId: "ins-cal", equipment: "calibrator", agentId: "bench-a", agentInstrumentId: "cal1", envelope });

/** The error a check throws, or "ok". */
function codeOf(fn: () => void): string {
  try {
    fn();
    return "ok";
  } catch (err) {
    if (isTelecalError(err)) return `${err.code}: ${err.message}`;
    throw err;
  }
}

describe("the output envelope of a job's source", () => {
  it("spans zero and the extreme nominals of each unit, for equipment a set step drives to a number only", () => {
    const dcv = getProcedure(procedures, "dmm-dcv-jjf1587");
    expect(outputEnvelope(dcv, "calibrator")).toEqual([
      { unit: "V", min: -10, max: 1000 },
      { unit: "Ω", min: 0, max: 10_000_000 },
    ]);
    expect(outputEnvelope(dcv, "dmm")).toEqual([]);
    expect(outputEnvelope(getProcedure(procedures, "pressure-gauge-jjg52"), "controller")).toEqual([{ unit: "hPa", min: 0, max: 1600 }]);
    // Weights placed and a bath set by hand: no step of the bench sets them to a number.
    const balance = getProcedure(procedures, "balance-jjg1036");
    for (const e of balance.equipment) expect([e.id, outputEnvelope(balance, e.id)]).toEqual([e.id, []]);
    expect(outputEnvelope(getProcedure(procedures, "thermometer-bath"), "bath")).toEqual([]);
  });

  it("counts a per-point set step only at the points it runs at (`only`): one source per function, each its own unit", () => {
    const dmm = getProcedure(procedures, "dmm-dcv-jjf1587");
    // A second source for the resistance points: the calibrator keeps volts, the decade box gets ohms.
    const split = Procedure.parse({
      ...dmm,
      equipment: [...dmm.equipment, { id: "decade", role: "source", name: { zh: "电阻箱", en: "Decade box" } }],
      steps: { ...dmm.steps, perPoint: dmm.steps.perPoint.map((s) => (s.id === "resistance" ? { ...s, equipment: "decade" } : s)) },
    });
    expect(outputEnvelope(split, "calibrator")).toEqual([{ unit: "V", min: -10, max: 1000 }]);
    expect(outputEnvelope(split, "decade")).toEqual([{ unit: "Ω", min: 0, max: 10_000_000 }]);
    // A job of the resistance points alone gives the calibrator no voltage at all.
    const ohms = Procedure.parse({ ...dmm, points: dmm.points.filter((p) => p.function === "res"), steps: { ...dmm.steps, perPoint: dmm.steps.perPoint.filter((s) => !s.only?.includes("dcv")) } });
    expect(outputEnvelope(ohms, "calibrator")).toEqual([{ unit: "Ω", min: 0, max: 10_000_000 }]);
    const instrument = cal(outputEnvelope(ohms, "calibrator"));
    expect(codeOf(() => checkEnvelope("job1", instrument, { kind: "set", value: 10_000_000, unit: "Ω" }))).toBe("ok");
    expect(codeOf(() => checkEnvelope("job1", instrument, { kind: "set", value: 10, unit: "V" }))).toMatch(/^TC_ERR_COMMAND_OUT_OF_ENVELOPE: 10 V .*none to none V/);
    expect(codeOf(() => checkEnvelope("job1", instrument, { kind: "set", value: 2e7, unit: "Ω" }))).toMatch(/^TC_ERR_COMMAND_OUT_OF_ENVELOPE: 20000000 Ω .*0 to 10000000 Ω/);
  });

  it("refuses a set point outside it or in a unit it does not list; output on/off and instruments without one are not limited", () => {
    const instrument = cal([{ unit: "V", min: -10, max: 1000 }]);
    expect(codeOf(() => checkEnvelope("job1", instrument, { kind: "set", value: 1000, unit: "V" }))).toBe("ok");
    expect(codeOf(() => checkEnvelope("job1", instrument, { kind: "set", value: -10, unit: "V" }))).toBe("ok");
    expect(codeOf(() => checkEnvelope("job1", instrument, { kind: "set", value: 1001, unit: "V" }))).toBe(
      "TC_ERR_COMMAND_OUT_OF_ENVELOPE: 1001 V is outside the output envelope of job job1 for instrument ins-cal: -10 to 1000 V",
    );
    expect(codeOf(() => checkEnvelope("job1", instrument, { kind: "set", value: -10.5, unit: "V" }))).toMatch(/^TC_ERR_COMMAND_OUT_OF_ENVELOPE/);
    expect(codeOf(() => checkEnvelope("job1", instrument, { kind: "set", value: 0, unit: "A" }))).toBe(
      "TC_ERR_COMMAND_OUT_OF_ENVELOPE: 0 A is outside the output envelope of job job1 for instrument ins-cal: none to none A",
    );
    expect(codeOf(() => checkEnvelope("job1", instrument, { kind: "output", on: true }))).toBe("ok");
    expect(codeOf(() => checkEnvelope("job1", cal([]), { kind: "set", value: 5000, unit: "V" }))).toBe("ok");
  });
});
