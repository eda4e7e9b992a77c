import { decide, type DecisionCode, type DecisionRuleName, Exact, type ExactValue, evaluateBudget, exactExpression, type PointInputs, pointBudget, pointInputs, planOf, type Procedure, runState } from "@telecal/metrology";
import { loadProcedures } from "@telecal/server";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const procedures = loadProcedures();
const get = (id: string): Procedure => procedures.get(id)!;

/** A point's inputs as a run gathers them (pointInputs), with the observed values given. */
function inputsAt(procedure: Procedure, pointId: string, observed: Record<string, number[]>): PointInputs {
  const all = pointInputs(procedure, planOf(procedure), runState(planOf(procedure), []));
  return { ...all.find((p) => p.point.id === pointId)!, observed };
}

// Issue 19: an error exactly on the limit was judged 不合格, the doubles' residue crossing it.
describe("issue 19: an error exactly on the limit is on it", () => {
  it("10.0005 g − 10 g against MPE 0.5 mg (balance, jjf-1094) is within the limits", () => {
    expect(10.0005 - 10).toBeGreaterThan(0.0005); // the double difference crosses the limit
    const proc = get("balance-jjg1036");
    const b = pointBudget(proc, inputsAt(proc, "load-10g", { reference: [10], indication: [10.0005, 10.0005, 10.0005] }));
    expect(b.decision.upper).toBe(0.0005);
    // U = 2·u of the weight and the resolution, below MPEV/3: |Δ| ≤ MPEV alone decides, the limit is in.
    expect(b.decision).toMatchObject({ rule: "jjf-1094", uncertaintyRequirementMet: true, code: "pass", label: { zh: "合格" } });
    const over = pointBudget(proc, inputsAt(proc, "load-10g", { reference: [10], indication: [10.00051, 10.00051, 10.00051] }));
    expect(over.decision.code).toBe("fail");
  });

  it("10.00036 V − 10 V against 0.36 mV (a budget file, jjf-1094) passes", () => {
    expect(10.00036 - 10).toBeGreaterThan(0.00036);
    const file = (indication: number[]) => ({
      measurand: { name: "E", unit: "V" },
      model: "indication + resolution - reference",
      inputs: { indication: { readings: indication }, reference: { value: 10, U: 0.00005, k: 2.58 }, resolution: { value: 0, distribution: "rectangular", halfWidth: 0.0000005 } },
      decision: { rule: "jjf-1094", lower: -0.00036, upper: 0.00036 },
    });
    expect(evaluateBudget(file([10.00036, 10.00036])).decision).toMatchObject({ code: "pass", uncertaintyRequirementMet: true });
    expect(evaluateBudget(file([10.00036, 10.00037])).decision).toMatchObject({ code: "fail" });
    expect(evaluateBudget(file([9.99964, 9.99964])).decision).toMatchObject({ code: "pass" });
  });

  it("1000.046 V − 1000 V against 46 mV (DMM 1000 V, simple) passes; 1000.047 V fails", () => {
    expect(1000.046 - 1000).toBeGreaterThan(0.046);
    const proc = get("dmm-dcv-jjf1587");
    const at = (indication: number) => pointBudget(proc, inputsAt(proc, "dcv-1000v", { reference: [1000], indication: [indication, indication] }));
    expect(at(1000.046).decision).toMatchObject({ rule: "simple", code: "pass", upper: 0.046 });
    expect(at(1000.047).decision.code).toBe("fail");
    expect(at(999.954).decision.code).toBe("pass");
  });

  it("the MPE is evaluated in decimal from its expression (0.00004 · 1000 + 0.000006 · 1000)", () => {
    expect(exactExpression("rdg * abs(x) + rng * range", { rdg: 0.00004, rng: 0.000006, x: -1000, range: 1000 })?.toString()).toBe("0.046");
    expect(exactExpression("indication - reference", { indication: 10.0005, reference: 10 })?.toString()).toBe("0.0005");
    expect(exactExpression("nosuch(", {})).toBeNull();
  });
});

// Every rule at each of its boundaries: the value on it, and one resolution step either side. The
// reading arrives as a double (nominal + boundary, written at the resolution) and the error is
// computed from it by the model, as a run does.
const RESOLUTION = fc.integer({ min: 0, max: 7 });

interface Case {
  step: ExactValue;
  limit: ExactValue;
  U: ExactValue;
  nominal: ExactValue;
}

const cases = (uOf: (limitUnits: number) => fc.Arbitrary<number>) =>
  RESOLUTION.chain((d) =>
    fc.integer({ min: 3, max: 200_000 }).chain((lim) =>
      fc.record({
        step: fc.constant(new Exact(10).pow(-d)),
        limit: fc.constant(new Exact(lim).times(new Exact(10).pow(-d))),
        U: uOf(lim).map((u) => new Exact(u).times(new Exact(10).pow(-d))),
        nominal: fc.integer({ min: -100_000, max: 100_000 }).map((n) => new Exact(n).times(new Exact(10).pow(-Math.min(d, 3)))),
      }),
    ),
  );

/** The decision on a reading of nominal + offset against ±limit, the error computed by the model from the doubles. */
function judged(rule: DecisionRuleName, c: Case, offset: ExactValue): DecisionCode {
  const indication = Number(c.nominal.plus(offset).toString());
  const reference = Number(c.nominal.toString());
  const error = exactExpression("indication - reference", { indication, reference })!;
  return decide(rule, { value: error, U: Number(c.U.toString()), lower: -Number(c.limit.toString()), upper: Number(c.limit.toString()) }).code;
}

/** At boundary b: [b − step, b, b + step] give [below, at, above], on both sides of zero. */
function boundary(rule: DecisionRuleName, c: Case, b: ExactValue, below: DecisionCode, at: DecisionCode, above: DecisionCode): void {
  for (const sign of [1, -1]) {
    const s = (x: ExactValue) => x.times(sign);
    expect([judged(rule, c, s(b.minus(c.step))), judged(rule, c, s(b)), judged(rule, c, s(b.plus(c.step)))], `${rule} limit ${c.limit.toString()} U ${c.U.toString()} nominal ${c.nominal.toString()} at ${s(b).toString()}`).toEqual([below, at, above]);
  }
}

const small = (lim: number) => fc.integer({ min: 0, max: Math.floor(lim / 3) }); // U ≤ MPEV/3
const large = (lim: number) => fc.integer({ min: Math.floor(lim / 3) + 1, max: lim - 1 }); // MPEV/3 < U < MPEV
const RUNS = { numRuns: 150 };

describe("every rule at its boundaries, in decimal, one resolution step either side", () => {
  it("simple: the limit is in", () => {
    fc.assert(fc.property(cases(small), (c) => boundary("simple", c, c.limit, "pass", "pass", "fail")), RUNS);
  });

  it("guard-band: limit − U is in", () => {
    fc.assert(fc.property(cases(large), (c) => boundary("guard-band", c, c.limit.minus(c.U), "pass", "pass", "fail")), RUNS);
  });

  it("ilac-g8-nonbinary: limit − U, the limit and limit + U each on the inner side", () => {
    fc.assert(
      fc.property(cases(large), (c) => {
        boundary("ilac-g8-nonbinary", c, c.limit.minus(c.U), "pass", "pass", "conditional-pass");
        boundary("ilac-g8-nonbinary", c, c.limit, "conditional-pass", "conditional-pass", "conditional-fail");
        boundary("ilac-g8-nonbinary", c, c.limit.plus(c.U), "conditional-fail", "conditional-fail", "fail");
      }),
      RUNS,
    );
  });

  it("jjf-1094, U ≤ MPEV/3: |Δ| ≤ MPEV passes", () => {
    fc.assert(fc.property(cases(small), (c) => boundary("jjf-1094", c, c.limit, "pass", "pass", "fail")), RUNS);
  });

  it("jjf-1094, U > MPEV/3: MPEV − U passes, MPEV is 待定 (conditional pass), MPEV + U fails", () => {
    fc.assert(
      fc.property(cases(large), (c) => {
        boundary("jjf-1094", c, c.limit.minus(c.U), "pass", "pass", "conditional-pass");
        boundary("jjf-1094", c, c.limit, "conditional-pass", "conditional-pass", "conditional-fail");
        boundary("jjf-1094", c, c.limit.plus(c.U), "conditional-fail", "fail", "fail");
      }),
      RUNS,
    );
  });

  it("jjf-1094: U exactly MPEV/3 meets the requirement, one step more does not", () => {
    fc.assert(
      fc.property(RESOLUTION, fc.integer({ min: 1, max: 100_000 }), (d, u) => {
        const step = new Exact(10).pow(-d);
        const U = new Exact(u).times(step);
        const limit = U.times(3);
        const met = (x: ExactValue) => decide("jjf-1094", { value: 0, U: Number(x.toString()), lower: -Number(limit.toString()), upper: Number(limit.toString()) }).uncertaintyRequirementMet;
        expect([met(U), met(U.plus(step))]).toEqual([true, false]);
      }),
      RUNS,
    );
  });
});
