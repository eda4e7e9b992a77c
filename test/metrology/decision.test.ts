import { decide, type DecisionCode, type DecisionRuleName } from "@telecal/metrology";
import { describe, expect, it } from "vitest";
import { refusalOf } from "../fakes/refusal";

// Limits ±1 and U = 0.25 (exact in binary); ε: just either side of a boundary.
const lim = { lower: -1, upper: 1 };
const eps = 1e-9;
const code = (rule: DecisionRuleName, value: number, U: number): DecisionCode => decide(rule, { value, U, ...lim }).code;

/** [value, expected] at and either side of each boundary, for both signs. */
function expectAll(rule: DecisionRuleName, U: number, cases: [number, DecisionCode][]): void {
  for (const [v, expected] of cases) {
    expect(code(rule, v, U), `${rule} y=${v} U=${U}`).toBe(expected);
    expect(code(rule, -v, U), `${rule} y=${-v} U=${U}`).toBe(expected);
  }
}

describe("decision rules at and either side of every boundary", () => {
  it("simple: inside the limits (inclusive) passes", () => {
    expectAll("simple", 0.25, [[0, "pass"], [1 - eps, "pass"], [1, "pass"], [1 + eps, "fail"], [5, "fail"]]);
    expect(decide("simple", { value: 0, U: 0, ...lim }).label).toEqual({ zh: "合格", en: "pass" });
  });

  it("guard-band: the acceptance zone is narrowed by U on each side", () => {
    expectAll("guard-band", 0.25, [[0, "pass"], [0.75 - eps, "pass"], [0.75, "pass"], [0.75 + eps, "fail"], [1, "fail"]]);
    // U ≥ half the tolerance: no acceptance zone left, nothing passes.
    expect(decide("guard-band", { value: 0, U: 1.5, ...lim })).toMatchObject({ code: "fail", acceptance: null });
    expect(code("guard-band", 0, 1)).toBe("pass"); // U exactly half: the zone is the single point 0
  });

  it("ilac-g8-nonbinary: pass, conditional pass, conditional fail, fail", () => {
    expectAll("ilac-g8-nonbinary", 0.25, [
      [0.75 - eps, "pass"],
      [0.75, "pass"],
      [0.75 + eps, "conditional-pass"],
      [1 - eps, "conditional-pass"],
      [1, "conditional-pass"],
      [1 + eps, "conditional-fail"],
      [1.25 - eps, "conditional-fail"],
      [1.25, "conditional-fail"],
      [1.25 + eps, "fail"],
    ]);
    expect(decide("ilac-g8-nonbinary", { value: 1.1, U: 0.25, ...lim }).label).toEqual({ zh: "有条件不合格", en: "conditional fail" });
  });

  it("jjf-1094 with U95 ≤ MPEV/3: judged by |Δ| ≤ MPEV alone", () => {
    const U = 0.25; // MPEV/3 = 0.333...
    expectAll("jjf-1094", U, [[0, "pass"], [1 - eps, "pass"], [1, "pass"], [1 + eps, "fail"]]);
    expect(decide("jjf-1094", { value: 0.9, U, ...lim })).toMatchObject({ uncertaintyRequirementMet: true, label: { zh: "合格" } });
    // U exactly MPEV/3 still meets the requirement (≤): 0.375 with MPEV 1.125.
    expect(decide("jjf-1094", { value: 1.125, U: 0.375, lower: -1.125, upper: 1.125 })).toMatchObject({ uncertaintyRequirementMet: true, code: "pass" });
    expect(decide("jjf-1094", { value: 1.125, U: 0.375 + 1e-6, lower: -1.125, upper: 1.125 })).toMatchObject({ uncertaintyRequirementMet: false, code: "conditional-pass" });
  });

  it("jjf-1094 with U95 > MPEV/3: 合格 iff |Δ| ≤ MPEV − U, 不合格 iff |Δ| ≥ MPEV + U, else 待定 (conditional pass within MPEV, conditional fail beyond)", () => {
    const U = 0.5;
    expectAll("jjf-1094", U, [
      [0.5 - eps, "pass"],
      [0.5, "pass"],
      [0.5 + eps, "conditional-pass"],
      [1, "conditional-pass"],
      [1 + eps, "conditional-fail"],
      [1.5 - eps, "conditional-fail"],
      [1.5, "fail"],
      [1.5 + eps, "fail"],
    ]);
    expect(decide("jjf-1094", { value: 0.9, U, ...lim })).toMatchObject({ code: "conditional-pass", label: { zh: "待定", en: "undetermined (conditional pass)" }, uncertaintyRequirementMet: false });
    expect(decide("jjf-1094", { value: 1.2, U, ...lim })).toMatchObject({ code: "conditional-fail", label: { zh: "待定", en: "undetermined (conditional fail)" }, uncertaintyRequirementMet: false });
  });

  it("sums such as −1 + 0.2 are on their boundary, exactly, and a decimal text is taken as written", () => {
    expect(code("guard-band", -0.8 - 1e-15, 0.2)).toBe("fail");
    expect(decide("simple", { value: "0.0005", U: "0", lower: "-0.0005", upper: "0.0005" }).code).toBe("pass");
    expect(decide("simple", { value: "0.00050000000000000000001", U: 0, lower: -0.0005, upper: 0.0005 }).code).toBe("fail"); // finer than a double
    expect(code("guard-band", -0.8, 0.2)).toBe("pass");
    expect(code("ilac-g8-nonbinary", 0.8, 0.2)).toBe("pass");
  });

  it("limits that are not centred on zero", () => {
    expect(decide("jjf-1094", { value: 10.5, U: 1, lower: 9, upper: 12 }).code).toBe("pass"); // 10 ≤ 10.5 ≤ 11
    expect(decide("jjf-1094", { value: 11.5, U: 1, lower: 9, upper: 12 }).code).toBe("conditional-pass");
    expect(decide("jjf-1094", { value: 12.5, U: 1, lower: 9, upper: 12 }).code).toBe("conditional-fail");
    expect(decide("jjf-1094", { value: 13, U: 1, lower: 9, upper: 12 }).code).toBe("fail");
  });

  it("refuses lower above upper, a negative U, a value that is not finite, naming the field", () => {
    expect(refusalOf(() => decide("simple", { value: 0, U: 0.1, lower: 1, upper: -1 }, "b.json"))).toBe("TC_ERR_BUDGET_INVALID uncertainty budget b.json: decision.lower: lower limit 1 above upper limit -1");
    expect(refusalOf(() => decide("simple", { value: 0, U: -0.1, ...lim }))).toMatch(/^TC_ERR_BUDGET_INVALID .*decision\.U:/);
    expect(refusalOf(() => decide("simple", { value: NaN, U: 0.1, ...lim }))).toMatch(/^TC_ERR_BUDGET_INVALID .*decision\.value: NaN is not a finite number/);
  });
});
