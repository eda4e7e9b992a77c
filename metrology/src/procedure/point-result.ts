import type { PointResult } from "@telecal/protocols";
import { jsonDof } from "../uncertainty/budget";
import { mean, type PointInputs } from "./point-inputs";
import { pointBudget } from "./point-budget";
import type { PlannedStep } from "./plan";
import type { RunState } from "./run-state";
import type { Procedure } from "./schema";

/** The contract's PointResult (protocols/src/point-results.ts): what pointResult below computes. */
export type { PointResult };

/** Whether every reading and entry of the point is in: only then has it a budget and a decision. */
export function pointMeasured(plan: readonly PlannedStep[], state: RunState, pointId: string): boolean {
  return plan.every((s) => s.point?.id !== pointId || (s.step.kind !== "read" && s.step.kind !== "manual") || state.values.has(s.key));
}

export function pointResult(procedure: Procedure, p: PointInputs, measured = true): PointResult {
  const observedMean = (name: string) => (p.observed[name]?.length ? mean(p.observed[name]) : null);
  const base = {
    point: p.point.id,
    nominal: p.point.nominal,
    unit: p.point.unit,
    mpe: p.mpe,
    readings: Object.fromEntries(Object.entries(p.observed).map(([k, v]) => [k, v.length])),
    check: p.point.check,
  };
  if (!measured) {
    return { ...base, reference: observedMean("reference"), indication: observedMean("indication"), error: null, u: null, dof: null, k: null, U: null, coverageProbability: null, decision: null, budget: [] };
  }
  const b = pointBudget(procedure, p);
  const valueOf = (name: string) => b.inputs.find((i) => i.name === name)?.value ?? null;
  return {
    ...base,
    reference: valueOf("reference"),
    indication: valueOf("indication"),
    error: b.lpu.value,
    ...(b.range !== undefined ? { range: b.range } : {}),
    u: b.lpu.u,
    dof: jsonDof(b.lpu.dof),
    k: b.lpu.k,
    U: b.lpu.U,
    coverageProbability: b.lpu.coverageProbability,
    decision: { rule: b.decision.rule, code: b.decision.code, label: b.decision.label },
    budget: b.lpu.budget.map((row) => ({ ...row, dof: jsonDof(row.dof) })),
  };
}
