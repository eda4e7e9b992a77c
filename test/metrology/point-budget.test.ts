import { evaluateExpression, type PointInputs, pointBudget, pointScope, procedureCurve, type Procedure } from "@telecal/metrology";
import { loadProcedures } from "@telecal/server";
import { describe, expect, it } from "vitest";

const procedures = loadProcedures();
const get = (id: string): Procedure => procedures.get(id)!;

/** A point's inputs as a run would gather them, with its Type B contributions evaluated. */
function inputsAt(procedure: Procedure, pointId: string, observed: Record<string, number[]>, mpe: number): PointInputs {
  const point = procedure.points.find((p) => p.id === pointId)!;
  const scope = pointScope(point);
  const typeB = procedure.uncertainty.contributions.map((c) => ({
    input: c.input,
    value: evaluateExpression(c.value, scope, "test"),
    distribution: c.distribution,
    width: Math.abs(evaluateExpression(c.width, scope, "test")),
    k: c.k,
  }));
  return { point, observed, typeB, mpe };
}

describe("a test point's budget from a procedure", () => {
  it("thermometer-bath: observed means as Type A, the bath and PRT as Type B, U = 2·u", () => {
    const proc = get("thermometer-bath");
    const p = inputsAt(proc, "t20", { reference: [20.001, 20.002, 20.0, 20.001, 20.002], indication: [20.14, 20.15, 20.14, 20.15, 20.15] }, 0.5);
    const b = pointBudget(proc, p);
    expect(b.lpu.value).toBeCloseTo(20.146 - 20.0012, 10);
    // PRT 0.01, stability and uniformity 0.01/√3 each, resolution 0.005/√3, the two means.
    const uA = (v: number[]) => {
      const m = v.reduce((a, c) => a + c, 0) / v.length;
      return Math.sqrt(v.reduce((a, c) => a + (c - m) ** 2, 0) / (v.length - 1) / v.length);
    };
    const expected = Math.sqrt(0.01 ** 2 + 2 * (0.01 / Math.sqrt(3)) ** 2 + (0.005 / Math.sqrt(3)) ** 2 + uA(p.observed["reference"]!) ** 2 + uA(p.observed["indication"]!) ** 2);
    expect(b.lpu.u).toBeCloseTo(expected, 12);
    expect(b.lpu.k).toBe(2);
    expect(b.lpu.U).toBeCloseTo(2 * expected, 12);
    expect(b.decision).toMatchObject({ rule: "simple", code: "pass", lower: -0.5, upper: 0.5 });
    expect(b.lpu.budget.find((r) => r.name === "probe")!.sensitivity).toBe(-1);
  });

  it("balance-jjg1036: a typed weight value is exact (its uncertainty is the weight's contribution); the repeatability point judges its range", () => {
    const proc = get("balance-jjg1036");
    const b = pointBudget(proc, inputsAt(proc, "load-200g", { reference: [200], indication: [200.0002, 200.0003, 200.0002] }, 0.001));
    expect(b.inputs.find((i) => i.name === "reference")).toMatchObject({ value: 200, u: 0, n: 1 });
    expect(b.decision).toMatchObject({ rule: "jjf-1094", code: "pass", uncertaintyRequirementMet: true });
    const repeat = pointBudget(proc, inputsAt(proc, "repeat-200g", { reference: [200], indication: [200.0001, 200.0003, 200.0002, 200.0001, 200.0004, 200.0002] }, 0.001));
    expect(repeat.range).toBeCloseTo(0.0003, 12);
    expect(repeat.decision).toMatchObject({ rule: "simple", code: "pass" });
    const spread = pointBudget(proc, inputsAt(proc, "repeat-200g", { reference: [200], indication: [200, 200.0012, 200.0002, 200.0001, 200.0004, 200.0002] }, 0.001));
    expect(spread.decision.code).toBe("fail");
  });

  it("an error beyond MPE + U is 不合格 under JJF 1094; between, with a large U, 待定", () => {
    const proc = get("pressure-gauge-jjg52");
    const fail = pointBudget(proc, inputsAt(proc, "up-400", { reference: [400, 400.002, 399.998], indication: [430] }, 25.6));
    expect(fail.decision).toMatchObject({ code: "fail", label: { zh: "不合格" } });
    const big = { ...proc, uncertainty: { ...proc.uncertainty, coverage: { k: 20 } } };
    const undetermined = pointBudget(big, inputsAt(proc, "up-400", { reference: [400, 400.002, 399.998], indication: [420] }, 25.6));
    expect(undetermined.decision).toMatchObject({ code: "conditional-pass", label: { zh: "待定" }, uncertaintyRequirementMet: false });
  });

  it("the thermometer's curve: a GUM H.3 line of the correction against the indication", () => {
    const proc = get("thermometer-bath");
    const points = [0, 20, 40, 60, 80].map((t) => inputsAt(proc, `t${t}`, { reference: [t, t], indication: [t + 0.1 + 0.002 * t + (t === 40 ? 0.001 : 0), t + 0.1 + 0.002 * t] }, 0.5));
    const c = procedureCurve(proc, points)!;
    expect(c.points).toHaveLength(5);
    expect(c.fit.slope.value).toBeCloseTo(-0.002 / 1.002, 4);
    expect(c.fit.intercept.value).toBeCloseTo(-0.1 / 1.002, 3);
    expect(c.fit.dof).toBe(3);
    expect(c.fit.predictions.every((q) => q.u > 0)).toBe(true);
    expect(procedureCurve(get("dmm-dcv-jjf1587"), points)).toBeNull();
  });
});
