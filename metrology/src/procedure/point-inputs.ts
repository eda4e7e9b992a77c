import type { PlannedStep } from "./plan";
import type { RunState } from "./run-state";
import { exact } from "../decision/exact";
import { exactExpression } from "../decision/exact-expression";
import { evaluateExpression, pointScope } from "./expressions";
import type { Procedure, TestPoint } from "./schema";

/** A Type B input of a point's budget, evaluated from its contribution. */
export interface TypeBInput {
  input: string;
  value: number;
  distribution: "normal" | "rectangular" | "triangular" | "arcsine";
  /** Half-width, or for normal the uncertainty as stated with `k`. */
  width: number;
  k: number;
  /** `value` in decimal arithmetic from its expression, for the decision (decision/exact.ts). */
  exactValue?: string;
}

/** What a run gathered for one test point: the values of each model input, and the Type B inputs. */
export interface PointInputs {
  point: TestPoint;
  /** Input name → the readings or entries that fed it (Type A when there are several). */
  observed: Record<string, number[]>;
  typeB: TypeBInput[];
  mpe: number;
  /** `mpe` in decimal arithmetic from its expression (0.00003 · 10 + 0.00006 is 0.00036), for the decision. */
  exactMpe?: string;
}

/** Per test point, the inputs a finished (or partial) run gathered for its uncertainty model. */
export function pointInputs(procedure: Procedure, plan: PlannedStep[], state: RunState): PointInputs[] {
  return procedure.points.map((point) => {
    const where = `${procedure.id} point ${point.id}`;
    const scope = pointScope(point);
    const observed: Record<string, number[]> = {};
    for (const planned of plan) {
      if (planned.point?.id !== point.id) continue;
      const step = planned.step;
      if (step.kind !== "read" && step.kind !== "manual") continue;
      const values = state.values.get(planned.key);
      if (values) observed[step.into] = [...(observed[step.into] ?? []), ...values];
    }
    const typeB = procedure.uncertainty.contributions.map((c) => {
      const value = evaluateExpression(c.value, scope, where);
      return {
        input: c.input,
        value,
        distribution: c.distribution,
        width: Math.abs(evaluateExpression(c.width, scope, where)),
        k: c.k,
        exactValue: (exactExpression(c.value, scope) ?? exact(value)).toString(),
      };
    });
    const mpe = Math.abs(evaluateExpression(point.mpe, scope, where));
    return { point, observed, typeB, mpe, exactMpe: (exactExpression(point.mpe, scope) ?? exact(mpe)).abs().toString() };
  });
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
