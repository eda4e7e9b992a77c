import { budgetReport, evaluateBudget, fitStraightLine, propagate, evaluateInput } from "@telecal/metrology";
import { describe, expect, it } from "vitest";
import { refusalOf } from "../fakes/refusal";

const base = {
  measurand: { name: "E", unit: "V" },
  model: "indication - reference",
  inputs: { indication: { readings: [10.0001, 10.0003, 10.0002] }, reference: { value: 10, U: 0.0002, k: 2 } },
  coverage: { probability: 0.95 },
};


const budget = (patch: Record<string, unknown>) => () => evaluateBudget({ ...base, ...patch }, { where: "b.json" });
const withInput = (name: string, spec: unknown) => budget({ inputs: { ...base.inputs, [name]: spec } });

describe("uncertainty budgets", () => {
  it("Type A from readings and Type B from U/k; sensitivities ±1; no Infinity or NaN in the report", () => {
    const r = evaluateBudget(base);
    expect(r.lpu.value).toBeCloseTo(0.0002, 12);
    const [a, b] = r.lpu.budget;
    expect(a).toMatchObject({ name: "indication", type: "A", dof: 2, sensitivity: 1, distribution: "t" });
    expect(a!.u).toBeCloseTo(0.0001 / Math.sqrt(3), 12);
    expect(b).toMatchObject({ name: "reference", type: "B", dof: Infinity, sensitivity: -1, u: 0.0001, contribution: 0.0001 });
    const report = budgetReport(r);
    expect(report.budget[1]!.dof).toBeNull();
    expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity/);
  });

  it("rectangular a/√3, triangular a/√6, arcsine a/√2; dof infinite unless given", () => {
    expect(evaluateInput("r", { value: 0, distribution: "rectangular", halfWidth: 3 }).u).toBeCloseTo(3 / Math.sqrt(3), 15);
    expect(evaluateInput("t", { value: 0, distribution: "triangular", halfWidth: 3 }).u).toBeCloseTo(3 / Math.sqrt(6), 15);
    expect(evaluateInput("s", { value: 0, distribution: "arcsine", halfWidth: 3 }).u).toBeCloseTo(3 / Math.SQRT2, 15);
    expect(evaluateInput("s", { value: 0, distribution: "arcsine", halfWidth: 3 }).dof).toBe(Infinity);
    expect(evaluateInput("s", { value: 0, distribution: "arcsine", halfWidth: 3, dof: 12 }).dof).toBe(12);
    expect(evaluateInput("n", { value: 0, u: 1, dof: "inf" }).dof).toBe(Infinity);
  });

  it("numeric sensitivity where mathjs has no derivative (a conditional), symbolic elsewhere", () => {
    const xs = [evaluateInput("a", { value: 2, u: 0.01 }), evaluateInput("b", { value: 3, u: 0.02 })];
    const r = propagate("a > 0 ? a * b : -a * b", xs, { coverage: { k: 2 } });
    expect(r.budget.map((row) => row.sensitivityMethod)).toEqual(["numeric", "numeric"]);
    expect(r.budget[0]!.sensitivity).toBeCloseTo(3, 8);
    expect(r.budget[1]!.sensitivity).toBeCloseTo(2, 8);
    const s = propagate("a * sqrt(b) + pi", xs, { coverage: { k: 2 } });
    expect(s.budget[0]).toMatchObject({ sensitivityMethod: "symbolic" });
    expect(s.budget[1]!.sensitivity).toBeCloseTo(2 / (2 * Math.sqrt(3)), 14);
  });

  it("k given: coverage probability from t at ν_eff; probability given: k from t", () => {
    expect(evaluateBudget({ ...base, coverage: { k: 2 } }).lpu.k).toBe(2);
    const p = evaluateBudget({ ...base, inputs: { indication: { value: 1, u: 1 }, reference: { value: 0, u: 1, dof: 10 } }, coverage: { probability: 0.95 } }).lpu;
    // ν_eff = 2² ... = 4 / (1/10) = 40: t_0.975(40) = 2.021.
    expect(p.dof).toBe(40);
    expect(p.k).toBeCloseTo(2.021, 3);
  });

  it("refuses bad input with TC_ERR_BUDGET_INVALID naming the field", () => {
    const cases: [() => unknown, string][] = [
      [budget({ model: "indication - reference - drift" }), `model: "indication - reference - drift" names 'drift', not among the inputs (indication, reference)`],
      [withInput("drift", { value: 0, u: 1 }), `inputs.drift: the model "indication - reference" does not use 'drift'`],
      [withInput("reference", { value: 10, u: -1 }), "inputs.reference.u: Too small: expected number to be >=0"],
      [withInput("reference", { value: 10, distribution: "rectangular" }), "inputs.reference.halfWidth: required with distribution rectangular"],
      [withInput("reference", { value: 10, distribution: "rectangular", halfWidth: 1, u: 2 }), "inputs.reference.u: not allowed with distribution rectangular (give halfWidth)"],
      [withInput("indication", { readings: [1] }), "inputs.indication.readings: a Type A input needs at least 2 readings"],
      [withInput("reference", { value: 10, U: 1 }), "inputs.reference.k: required with U (u = U/k)"],
      [withInput("reference", { value: 10 }), "inputs.reference.u: required: give u, or U with k, or distribution with halfWidth, or readings"],
      [withInput("reference", { value: Infinity, u: 1 }), "inputs.reference.value: Invalid input: expected number, received Infinity"],
      [withInput("reference", { value: 1, u: 1, unit: "V" }), `inputs.reference: Unrecognized key: "unit"`],
      [budget({ extra: 1 }), `(root): Unrecognized key: "extra"`],
      [budget({ correlations: [{ a: "indication", b: "nope", r: 0.5 }] }), "correlations.0.b: no input named 'nope'"],
      [budget({ correlations: [{ a: "indication", b: "reference", r: 1.5 }] }), "correlations.0.r: Too big: expected number to be <=1"],
      [budget({ model: "indication / (reference - 10)" }), `model: "indication / (reference - 10)" gives Infinity at the inputs' values, not a finite number`],
      [budget({ decision: { rule: "simple", lower: 1, upper: -1 } }), "decision.lower: lower limit 1 above upper limit -1"],
      [budget({ inputs: { "bad-name": { value: 1, u: 1 } } }), "inputs.bad-name: an input name is a letter or _, then letters, digits or _"],
      [budget({ coverage: { k: 2, probability: 0.95 } }), "coverage: give probability or k, one of them"],
      [budget({ model: "indication +" }), `model: cannot parse "indication +": Unexpected end of expression (char 13)`],
    ];
    for (const [fn, expected] of cases) expect(refusalOf(fn)).toBe(`TC_ERR_BUDGET_INVALID uncertainty budget b.json: ${expected}`);
  });

  it("a Monte Carlo beside it, with the shortest interval when asked", () => {
    const r = evaluateBudget({ ...base, model: "indication^2 - reference^2" }, { monteCarlo: 20_000, seed: 11, interval: "shortest" });
    expect(r.monteCarlo).toMatchObject({ draws: 20_000, seed: 11, interval: { kind: "shortest", probability: 0.95 } });
    expect(r.monteCarlo!.mean).toBeCloseTo(r.lpu.value, 3);
  });

  it("refuses a correlation matrix that is not positive semi-definite", () => {
    const three = { ...base, model: "a + b + c", inputs: { a: { value: 0, u: 1 }, b: { value: 0, u: 1 }, c: { value: 0, u: 1 } } };
    const bad = [{ a: "a", b: "b", r: 0.9 }, { a: "b", b: "c", r: 0.9 }, { a: "a", b: "c", r: -0.9 }];
    expect(refusalOf(() => evaluateBudget({ ...three, correlations: bad }, { where: "b.json" }))).toBe("TC_ERR_BUDGET_INVALID uncertainty budget b.json: correlations: the correlation matrix is not positive semi-definite");
  });
});

describe("straight-line fit", () => {
  it("an exact line has zero residuals and zero uncertainties", () => {
    const f = fitStraightLine({ x: [0, 1, 2, 3], y: [1, 3, 5, 7], predict: [10] });
    expect(f.intercept.value).toBeCloseTo(1, 12);
    expect(f.slope.value).toBeCloseTo(2, 12);
    expect(f.residualStandardDeviation).toBeCloseTo(0, 12);
    expect(f.predictions[0]).toMatchObject({ x: 10 });
    expect(f.predictions[0]!.y).toBeCloseTo(21, 10);
  });

  it("refuses bad input with TC_ERR_FIT_INVALID naming the field", () => {
    expect(refusalOf(() => fitStraightLine({ x: [1, 2, 3], y: [1, 2] }, "f.json"))).toBe("TC_ERR_FIT_INVALID line fit f.json: y: a straight line with uncertainties needs at least 3 points");
    expect(refusalOf(() => fitStraightLine({ x: [1, 2, 3, 4], y: [1, 2, 3] }, "f.json"))).toBe("TC_ERR_FIT_INVALID line fit f.json: y: has 3 values, x has 4");
    expect(refusalOf(() => fitStraightLine({ x: [2, 2, 2], y: [1, 2, 3] }, "f.json"))).toBe("TC_ERR_FIT_INVALID line fit f.json: x: all x are equal: no slope can be fitted");
    expect(refusalOf(() => fitStraightLine({ x: [1, 2, NaN], y: [1, 2, 3] }, "f.json"))).toMatch(/^TC_ERR_FIT_INVALID line fit f\.json: x\.2: /);
  });
});
