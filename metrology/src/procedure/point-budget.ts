import { type DecimalLike, exact, exactMean, exactRange, type ExactValue } from "../decision/exact";
import { exactExpression } from "../decision/exact-expression";
import { type Decision, decide } from "../decision/rules";
import { type EvaluatedInput, evaluateInput } from "../uncertainty/inputs";
import { type LpuResult, propagate, welchSatterthwaite } from "../uncertainty/propagation";
import { pointScope } from "./expressions";
import type { PointInputs, TypeBInput } from "./point-inputs";
import type { Procedure } from "./schema";

/** A test point's uncertainty budget and its conformity. */
export interface PointBudget {
  lpu: LpuResult;
  inputs: EvaluatedInput[];
  /** check "error": the error (the model's value) with U against ±MPE by the procedure's rule; check "range": the range of the readings against the MPE. */
  decision: Decision;
  /** check "range": the range (max − min) of the input with the most readings. */
  range?: number;
}

function typeBInput(b: TypeBInput): EvaluatedInput {
  if (b.distribution === "normal") return evaluateInput(b.input, { value: b.value, U: b.width, k: b.k });
  return evaluateInput(b.input, { value: b.value, distribution: b.distribution, halfWidth: b.width });
}

/** Observed values: Type A from 2 or more; a single value (typed in, one reading) as it is, its uncertainty left to the contributions. */
function observedInput(name: string, values: readonly number[]): EvaluatedInput {
  if (values.length >= 2) return evaluateInput(name, { readings: [...values] });
  return { name, value: values[0] ?? 0, u: 0, dof: Infinity, type: "A", distribution: "normal", n: values.length };
}

/** An input both observed and given a Type B contribution: the observed mean, the two u in quadrature, ν by Welch–Satterthwaite. */
function combined(a: EvaluatedInput, b: EvaluatedInput): EvaluatedInput {
  const u = Math.hypot(a.u, b.u);
  const dof = welchSatterthwaite(u, [{ contribution: a.u, dof: a.dof }, { contribution: b.u, dof: b.dof }]);
  return { name: a.name, value: a.value, u, dof, type: "A", distribution: "normal" };
}

/**
 * The error by the model in decimal arithmetic, for the decision: each observed input the mean of its
 * values as stated, each Type B input its value from its expression, the point's constants as
 * written. Null where the model has no decimal value (the double's text is taken then).
 */
function exactError(procedure: Procedure, p: PointInputs, byName: ReadonlyMap<string, EvaluatedInput>): ExactValue | null {
  const scope: Record<string, DecimalLike> = { ...pointScope(p.point) };
  for (const [name, input] of byName) scope[name] = input.value;
  for (const b of p.typeB) scope[b.input] = b.exactValue ?? b.value;
  for (const [name, values] of Object.entries(p.observed)) if (values.length > 0) scope[name] = exactMean(values);
  return exactExpression(procedure.uncertainty.model, scope);
}

/**
 * The budget of one test point of a run: the procedure's `uncertainty.model`, its observed inputs
 * as Type A (repeated readings), its contributions as Type B (evaluated at the point), the point's
 * x, range and vars as exact constants; coverage as the procedure states it; the decision by the
 * procedure's rule, the error against ±MPE.
 */
export function pointBudget(procedure: Procedure, p: PointInputs): PointBudget {
  const where = `${procedure.id} point ${p.point.id}`;
  const byName = new Map<string, EvaluatedInput>();
  for (const [name, values] of Object.entries(p.observed)) byName.set(name, observedInput(name, values));
  for (const b of p.typeB) {
    const input = typeBInput(b);
    const seen = byName.get(b.input);
    byName.set(b.input, seen ? combined(seen, input) : input);
  }
  const inputs = [...byName.values()];
  const lpu = propagate(procedure.uncertainty.model, inputs, {
    coverage: procedure.uncertainty.coverage,
    constants: pointScope(p.point),
    refuseUnused: false,
    where,
  });
  const mpe = exact(p.exactMpe ?? p.mpe);
  if (p.point.check === "range") {
    const values = Object.values(p.observed).reduce<number[]>((most, v) => (v.length > most.length ? v : most), []);
    const range = values.length > 0 ? Math.max(...values) - Math.min(...values) : 0;
    return { lpu, inputs, range, decision: decide("simple", { value: exactRange(values), U: 0, lower: 0, upper: mpe }, where) };
  }
  const error = exactError(procedure, p, byName) ?? exact(lpu.value);
  return { lpu, inputs, decision: decide(procedure.decision.rule, { value: error, U: lpu.U, lower: mpe.neg(), upper: mpe }, where) };
}
