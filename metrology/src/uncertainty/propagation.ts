import { TelecalError } from "@telecal/protocols";
import { cholesky, type Correlation, correlationMatrix } from "./correlation";
import type { EvaluatedInput, InputDistribution } from "./inputs";
import { compileModel, differenceStep } from "./model";
import { coverageFactor, coverageProbabilityOf } from "./student-t";

/** How the expanded uncertainty is stated: a coverage probability (k from Student t at ν_eff), or k itself. */
export type Coverage = { probability: number } | { k: number };

/** One row of an uncertainty budget. */
export interface BudgetRow {
  name: string;
  type: "A" | "B";
  distribution: InputDistribution;
  value: number;
  u: number;
  /** Infinity: exactly known. */
  dof: number;
  sensitivity: number;
  sensitivityMethod: "symbolic" | "numeric";
  /** |c_i|·u(x_i), in the unit of the measurand. */
  contribution: number;
}

export interface LpuResult {
  value: number;
  u: number;
  /** Welch–Satterthwaite ν_eff truncated to an integer (GUM G.4.1); Infinity when every input's is. */
  dof: number;
  /** ν_eff before truncation. */
  dofEffective: number;
  k: number;
  U: number;
  coverageProbability: number;
  budget: BudgetRow[];
}

export interface LpuOptions {
  correlations?: readonly Correlation[];
  coverage: Coverage;
  /** Names the budget in errors (a file name, a procedure's point). */
  where?: string;
  /** Refuse an input the model does not use (default true): in a budget file it is most likely a typo. */
  refuseUnused?: boolean;
  /** Named numbers the model may use besides the inputs, taken as exact (a procedure's x, range, vars). */
  constants?: Record<string, number>;
}

/**
 * The law of propagation of uncertainty (JCGM 100:2008, 5.1 and 5.2), first order:
 *   u_c²(y) = Σ c_i² u²(x_i) + 2 Σ_{i<j} c_i c_j u(x_i) u(x_j) r(x_i, x_j),
 * the Welch–Satterthwaite formula (G.4.1) for ν_eff = u_c⁴ / Σ (c_i u_i)⁴/ν_i, which, as GUM does,
 * takes no account of the correlation terms (it holds for independent inputs only), and
 * U = k·u_c with k = t_{(1+p)/2}(ν_eff) or the k given.
 */
export function propagate(model: string, inputs: readonly EvaluatedInput[], options: LpuOptions): LpuResult {
  const where = options.where ?? "budget";
  const names = inputs.map((i) => i.name);
  const constants = options.constants ?? {};
  const compiled = compileModel(model, [...names, ...Object.keys(constants)], where);
  if (options.refuseUnused !== false) {
    for (const i of inputs) {
      if (!compiled.inputs.includes(i.name)) {
        throw new TelecalError("TC_ERR_BUDGET_INVALID", { file: where, path: `inputs.${i.name}`, reason: `the model ${JSON.stringify(model)} does not use '${i.name}'` });
      }
    }
  }
  const scope = { ...constants, ...Object.fromEntries(inputs.map((i) => [i.name, i.value])) };
  const value = compiled.evaluate(scope);
  const r = correlationMatrix(names, options.correlations ?? [], where);
  if (!cholesky(r)) throw new TelecalError("TC_ERR_BUDGET_INVALID", { file: where, path: "correlations", reason: "the correlation matrix is not positive semi-definite" });

  const budget: BudgetRow[] = inputs.map((i) => {
    const s = compiled.sensitivity(i.name, scope, differenceStep(i.value, i.u));
    return {
      name: i.name,
      type: i.type,
      distribution: i.distribution,
      value: i.value,
      u: i.u,
      dof: i.dof,
      sensitivity: s.value + 0, // no -0 in a report
      sensitivityMethod: s.method,
      contribution: Math.abs(s.value) * i.u,
    };
  });
  let variance = 0;
  budget.forEach((a, i) => {
    variance += a.contribution ** 2;
    for (let j = i + 1; j < budget.length; j++) {
      const rij = r[i]![j]!;
      if (rij !== 0) variance += 2 * a.sensitivity * budget[j]!.sensitivity * a.u * budget[j]!.u * rij;
    }
  });
  const u = Math.sqrt(Math.max(variance, 0));
  const dofEffective = welchSatterthwaite(u, budget);
  const dof = dofEffective === Infinity ? Infinity : Math.max(1, Math.floor(dofEffective));
  const k = "k" in options.coverage ? options.coverage.k : coverageFactor(options.coverage.probability, dof);
  const coverageProbability = "probability" in options.coverage ? options.coverage.probability : coverageProbabilityOf(k, dof);
  return { value, u, dof, dofEffective, k, U: k * u, coverageProbability, budget };
}

/** ν_eff = u_c⁴ / Σ (c_i u_i)⁴ / ν_i; terms with ν_i = ∞ add nothing; Infinity when all do (or u_c = 0). */
export function welchSatterthwaite(u: number, rows: readonly { contribution: number; dof: number }[]): number {
  if (u === 0) return Infinity;
  // In ratios to u_c, so that neither u⁴ nor the terms underflow or overflow.
  let denominator = 0;
  for (const row of rows) if (row.dof !== Infinity && row.contribution > 0) denominator += (row.contribution / u) ** 4 / row.dof;
  return denominator === 0 ? Infinity : 1 / denominator;
}
