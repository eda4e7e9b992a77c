import { TelecalError } from "@telecal/protocols";
import { z } from "zod";
import { exact, exactMean } from "../decision/exact";
import { exactExpression } from "../decision/exact-expression";
import { type Decision, decide } from "../decision/rules";
import { DecisionRuleName } from "../procedure/schema";
import { Correlation } from "./correlation";
import { evaluateInput, InputSpec } from "./inputs";
import { type IntervalKind, monteCarlo, type MonteCarloResult } from "./monte-carlo";
import { type Coverage, type LpuResult, propagate } from "./propagation";

/** An uncertainty budget as `telecal budget FILE.json` reads it (docs/uncertainty.md). Strict: unknown fields are refused. */
export const BudgetFile = z.strictObject({
  measurand: z.strictObject({ name: z.string().min(1), unit: z.string().min(1) }),
  model: z.string().min(1),
  inputs: z
    .record(z.string(), InputSpec)
    .superRefine((r, ctx) => {
      if (Object.keys(r).length === 0) ctx.addIssue({ code: "custom", message: "at least one input" });
      for (const name of Object.keys(r)) {
        if (!/^[A-Za-z_]\w*$/.test(name)) ctx.addIssue({ code: "custom", path: [name], message: "an input name is a letter or _, then letters, digits or _" });
      }
    }),
  correlations: z.array(Correlation).default([]),
  coverage: z
    .strictObject({ probability: z.number().gt(0).lt(1).optional(), k: z.number().positive().optional() })
    .refine((c) => (c.probability === undefined) !== (c.k === undefined), "give probability or k, one of them")
    .transform((c): Coverage => (c.k !== undefined ? { k: c.k } : { probability: c.probability ?? 0.95 }))
    .default({ probability: 0.95 }),
  decision: z.strictObject({ rule: DecisionRuleName, lower: z.number(), upper: z.number() }).optional(),
});
export type BudgetFile = z.input<typeof BudgetFile>;

export interface BudgetOptions {
  /** Monte Carlo draws as a second opinion (JCGM 101); none when absent. */
  monteCarlo?: number;
  seed?: number;
  interval?: IntervalKind;
  /** Names the budget in errors: the file name. */
  where?: string;
}

export interface BudgetResult {
  measurand: { name: string; unit: string };
  model: string;
  lpu: LpuResult;
  decision?: Decision;
  monteCarlo?: MonteCarloResult;
}

/** The first issue of a failed parse as TC_ERR_BUDGET_INVALID, its path naming the field. */
export function budgetError(where: string, error: z.ZodError): TelecalError {
  const [first, ...rest] = error.issues;
  const more = rest.length > 0 ? ` (and ${rest.length} more: ${rest.map((i) => i.path.join(".") || "(root)").join(", ")})` : "";
  return new TelecalError("TC_ERR_BUDGET_INVALID", { file: where, path: first?.path.join(".") || "(root)", reason: `${first?.message ?? "invalid"}${more}` });
}

/** Parses and evaluates a budget: the law of propagation, the decision if asked, a Monte Carlo if asked. */
export function evaluateBudget(file: unknown, options: BudgetOptions = {}): BudgetResult {
  const where = options.where ?? "budget";
  const parsed = BudgetFile.safeParse(file);
  if (!parsed.success) throw budgetError(where, parsed.error);
  const b = parsed.data;
  const inputs = Object.entries(b.inputs).map(([name, spec]) => evaluateInput(name, spec));
  const lpu = propagate(b.model, inputs, { correlations: b.correlations, coverage: b.coverage, where });
  const result: BudgetResult = { measurand: b.measurand, model: b.model, lpu };
  if (b.decision) {
    // The model's value in decimal arithmetic from the inputs as written, for the comparison at the limits.
    const scope = Object.fromEntries(Object.entries(b.inputs).map(([name, spec]) => [name, spec.readings ? exactMean(spec.readings) : exact(spec.value ?? 0)]));
    const value = exactExpression(b.model, scope) ?? lpu.value;
    result.decision = decide(b.decision.rule, { value, U: lpu.U, lower: b.decision.lower, upper: b.decision.upper }, where);
  }
  if (options.monteCarlo !== undefined) {
    result.monteCarlo = monteCarlo(b.model, inputs, {
      draws: options.monteCarlo,
      probability: lpu.coverageProbability,
      correlations: b.correlations,
      where,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.interval !== undefined ? { interval: options.interval } : {}),
    });
  }
  return result;
}

/** Infinity (an exactly known input, ν_eff of such inputs) is null in JSON, never NaN or a string. */
export function jsonDof(dof: number): number | null {
  return Number.isFinite(dof) ? dof : null;
}

/** The report `telecal budget` prints: plain JSON, every number finite or null. */
export function budgetReport(r: BudgetResult) {
  return {
    measurand: r.measurand,
    model: r.model,
    value: r.lpu.value,
    u: r.lpu.u,
    dof: jsonDof(r.lpu.dof),
    dofEffective: jsonDof(r.lpu.dofEffective),
    k: r.lpu.k,
    U: r.lpu.U,
    coverageProbability: r.lpu.coverageProbability,
    budget: r.lpu.budget.map((row) => ({ ...row, dof: jsonDof(row.dof) })),
    ...(r.decision ? { decision: r.decision } : {}),
    ...(r.monteCarlo ? { monteCarlo: r.monteCarlo } : {}),
  };
}
