import { TelecalError } from "@telecal/protocols";
import { cholesky, type Correlation, correlationMatrix } from "./correlation";
import type { EvaluatedInput } from "./inputs";
import { compileModel } from "./model";
import { Random } from "./random";

export type IntervalKind = "symmetric" | "shortest";

export interface MonteCarloOptions {
  draws: number;
  /** Coverage probability of the interval (e.g. 0.95). */
  probability: number;
  seed?: number;
  correlations?: readonly Correlation[];
  interval?: IntervalKind;
  where?: string;
}

export interface MonteCarloResult {
  draws: number;
  seed: number;
  /** The average of the model values: the estimate of Y. */
  mean: number;
  /** Their standard deviation: the standard uncertainty u(y). */
  u: number;
  interval: { low: number; high: number; probability: number; kind: IntervalKind };
}

/**
 * Propagation of distributions by the Monte Carlo method (JCGM 101:2008): M draws of the inputs,
 * each from its own distribution (normal; rectangular, triangular, arcsine of half-width a; a Type
 * A input from the t distribution with n − 1 degrees of freedom scaled by s/√n and shifted to the
 * mean, 6.4.9), the model evaluated at each, and the coverage interval from the sorted values
 * (7.7: probabilistically symmetric, or the shortest). Inputs that take part in a correlation are
 * drawn jointly as a multivariate normal with their standard uncertainties (6.4.8), through the
 * Cholesky factor of their correlation matrix.
 */
export function monteCarlo(model: string, inputs: readonly EvaluatedInput[], options: MonteCarloOptions): MonteCarloResult {
  const where = options.where ?? "budget";
  const M = Math.floor(options.draws);
  if (!(M >= 100 && M <= 1e7)) throw new TelecalError("TC_ERR_BUDGET_INVALID", { file: where, path: "monteCarlo.draws", reason: `${options.draws}: give between 100 and 10000000 draws` });
  const names = inputs.map((i) => i.name);
  const compiled = compileModel(model, names, where);
  const correlations = (options.correlations ?? []).filter((c) => c.r !== 0);
  const joint = names.filter((n) => correlations.some((c) => c.a === n || c.b === n));
  const l = joint.length > 0 ? cholesky(correlationMatrix(joint, correlations, where)) : [];
  if (!l) throw new TelecalError("TC_ERR_BUDGET_INVALID", { file: where, path: "correlations", reason: "the correlation matrix is not positive semi-definite" });
  const jointInputs = joint.map((n) => inputs.find((i) => i.name === n)!);
  const single = inputs.filter((i) => !joint.includes(i.name));

  const seed = options.seed ?? 1;
  const random = new Random(seed);
  const y = new Float64Array(M);
  const scope: Record<string, number> = {};
  const z = new Array<number>(joint.length).fill(0);
  for (let m = 0; m < M; m++) {
    for (const input of single) scope[input.name] = draw(input, random);
    for (let i = 0; i < joint.length; i++) z[i] = random.normal();
    for (let i = 0; i < joint.length; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s += l[i]![j]! * z[j]!;
      scope[jointInputs[i]!.name] = jointInputs[i]!.value + jointInputs[i]!.u * s;
    }
    y[m] = compiled.evaluate(scope);
  }

  let mean = 0;
  for (let m = 0; m < M; m++) mean += (y[m]! - mean) / (m + 1);
  let ss = 0;
  for (let m = 0; m < M; m++) ss += (y[m]! - mean) ** 2;
  y.sort();
  const kind = options.interval ?? "symmetric";
  return { draws: M, seed, mean, u: Math.sqrt(ss / (M - 1)), interval: { ...coverageInterval(y, options.probability, kind), probability: options.probability, kind } };
}

function draw(input: EvaluatedInput, random: Random): number {
  switch (input.distribution) {
    case "normal":
      return input.value + input.u * random.normal();
    case "rectangular":
      return input.value + (input.halfWidth ?? 0) * (2 * random.uniform() - 1);
    case "triangular":
      return input.value + (input.halfWidth ?? 0) * (random.uniform() + random.uniform() - 1);
    case "arcsine":
      return input.value + (input.halfWidth ?? 0) * Math.cos(Math.PI * random.uniform());
    case "t":
      return input.value + input.u * random.studentT(input.dof);
  }
}

/** The coverage interval of probability p from sorted model values (JCGM 101 7.7). */
export function coverageInterval(sorted: Float64Array, p: number, kind: IntervalKind): { low: number; high: number } {
  const M = sorted.length;
  const q = Math.min(M - 1, Math.floor(p * M + 0.5));
  if (kind === "symmetric") {
    const r = Math.floor((M - q) / 2);
    return { low: sorted[r]!, high: sorted[r + q]! };
  }
  let best = 0;
  for (let r = 1; r + q < M; r++) if (sorted[r + q]! - sorted[r]! < sorted[best + q]! - sorted[best]!) best = r;
  return { low: sorted[best]!, high: sorted[best + q]! };
}
