import { z } from "zod";

/**
 * An input quantity of a measurement model, as a budget states it, and what it gives: its
 * estimate x, standard uncertainty u(x), degrees of freedom ν and the distribution a Monte Carlo
 * draws it from.
 *
 * - Type A: `{readings: [...]}` (at least 2): x = mean, u = s/√n, ν = n − 1; Monte Carlo draws the
 *   scaled and shifted t distribution with n − 1 degrees of freedom (JCGM 101 6.4.9).
 * - Type B, normal: `{value, u}` or `{value, U, k}` (u = U/k).
 * - Type B, `{value, distribution, halfWidth}`: rectangular u = a/√3, triangular u = a/√6,
 *   arcsine (U-shaped) u = a/√2.
 * - `dof` of a Type B input: infinite unless given (null or "inf" also say infinite).
 */

const Dof = z.union([z.number().positive(), z.null(), z.literal("inf")]);

export const InputSpec = z
  .strictObject({
    value: z.number().optional(),
    u: z.number().nonnegative().optional(),
    U: z.number().nonnegative().optional(),
    k: z.number().positive().optional(),
    distribution: z.enum(["normal", "rectangular", "triangular", "arcsine"]).optional(),
    halfWidth: z.number().nonnegative().optional(),
    dof: Dof.optional(),
    readings: z.array(z.number()).min(2, "a Type A input needs at least 2 readings").optional(),
  })
  .superRefine((s, ctx) => {
    const present = (Object.keys(s) as (keyof typeof s)[]).filter((key) => s[key] !== undefined);
    const only = (allowed: string[], because: string) => {
      for (const key of present) if (!allowed.includes(key)) ctx.addIssue({ code: "custom", path: [key], message: `not allowed ${because}` });
    };
    const need = (key: keyof typeof s, because: string) => {
      if (s[key] === undefined) ctx.addIssue({ code: "custom", path: [key], message: `required ${because}` });
    };
    if (s.readings !== undefined) return only(["readings"], "with readings (a Type A input takes its value, u and dof from them)");
    need("value", "(or readings)");
    if (s.distribution !== undefined && s.distribution !== "normal") {
      need("halfWidth", `with distribution ${s.distribution}`);
      return only(["value", "distribution", "halfWidth", "dof"], `with distribution ${s.distribution} (give halfWidth)`);
    }
    if (s.halfWidth !== undefined) ctx.addIssue({ code: "custom", path: ["halfWidth"], message: "needs distribution rectangular, triangular or arcsine" });
    if (s.u === undefined && s.U === undefined) ctx.addIssue({ code: "custom", path: ["u"], message: "required: give u, or U with k, or distribution with halfWidth, or readings" });
    if (s.u !== undefined && s.U !== undefined) ctx.addIssue({ code: "custom", path: ["U"], message: "give u or U, not both" });
    if (s.U !== undefined) need("k", "with U (u = U/k)");
    if (s.k !== undefined && s.U === undefined) ctx.addIssue({ code: "custom", path: ["k"], message: "only with U" });
  });
export type InputSpec = z.input<typeof InputSpec>;

export type InputDistribution = "normal" | "rectangular" | "triangular" | "arcsine" | "t";

/** An input quantity evaluated: what the law of propagation and the Monte Carlo method use. */
export interface EvaluatedInput {
  name: string;
  value: number;
  u: number;
  /** Infinity when the input's u is taken as exactly known. */
  dof: number;
  type: "A" | "B";
  distribution: InputDistribution;
  /** Rectangular, triangular, arcsine: the half-width a. */
  halfWidth?: number;
  /** Type A: the number of readings. */
  n?: number;
}

const DIVISOR = { rectangular: Math.sqrt(3), triangular: Math.sqrt(6), arcsine: Math.SQRT2 } as const;

function dofOf(dof: InputSpec["dof"]): number {
  return typeof dof === "number" ? dof : Infinity;
}

/** x, u(x), ν of one input; `spec` as parsed by `InputSpec` (its rules already hold). */
export function evaluateInput(name: string, spec: InputSpec): EvaluatedInput {
  if (spec.readings !== undefined) {
    const r = spec.readings;
    const n = r.length;
    const mean = r.reduce((a, b) => a + b, 0) / n;
    const s = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    return { name, value: mean, u: s / Math.sqrt(n), dof: n - 1, type: "A", distribution: "t", n };
  }
  const value = spec.value ?? 0;
  const dof = dofOf(spec.dof);
  if (spec.distribution !== undefined && spec.distribution !== "normal") {
    const a = spec.halfWidth ?? 0;
    return { name, value, u: a / DIVISOR[spec.distribution], dof, type: "B", distribution: spec.distribution, halfWidth: a };
  }
  const u = spec.u ?? (spec.U ?? 0) / (spec.k ?? 1);
  return { name, value, u, dof, type: "B", distribution: "normal" };
}

/** Type A from repeated readings of one input (at least 2). */
export function typeA(name: string, readings: readonly number[]): EvaluatedInput {
  return evaluateInput(name, { readings: [...readings] });
}
