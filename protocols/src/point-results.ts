import { z } from "zod";
import { Id } from "./ids";

/**
 * A decision rule's verdict on a point (metrology/src/decision/rules.ts): JJF 1094's 待定 is a
 * conditional pass or fail. `undetermined` is read only in results recorded before that (no rule gives it now).
 */
export const DecisionCode = z.enum(["pass", "conditional-pass", "conditional-fail", "fail", "undetermined"]);
export type DecisionCode = z.infer<typeof DecisionCode>;

/** One input's row of a point's uncertainty budget; dof null when exactly known (infinite). */
export const BudgetRowJson = z.strictObject({
  name: z.string(),
  type: z.enum(["A", "B"]),
  distribution: z.enum(["normal", "rectangular", "triangular", "arcsine", "t"]),
  value: z.number(),
  u: z.number(),
  dof: z.number().nullable(),
  sensitivity: z.number(),
  sensitivityMethod: z.enum(["symbolic", "numeric"]),
  contribution: z.number(),
});
export type BudgetRowJson = z.infer<typeof BudgetRowJson>;

/**
 * A point's result as the screen, the record and the certificate show it (metrology's pointResult):
 * the observed means, the error by the model, its budget, U, k and the decision. Plain JSON: every
 * number finite or null; the figures are null while the point is not measured whole.
 */
export const PointResult = z.strictObject({
  point: Id,
  nominal: z.number(),
  unit: z.string(),
  reference: z.number().nullable(),
  indication: z.number().nullable(),
  error: z.number().nullable(),
  mpe: z.number(),
  /** Input name → how many readings or entries fed it. */
  readings: z.record(z.string(), z.number().int()),
  check: z.enum(["error", "range"]),
  range: z.number().optional(),
  u: z.number().nullable(),
  dof: z.number().nullable(),
  k: z.number().nullable(),
  U: z.number().nullable(),
  coverageProbability: z.number().nullable(),
  decision: z.strictObject({ rule: z.string(), code: DecisionCode, label: z.strictObject({ zh: z.string(), en: z.string() }) }).nullable(),
  budget: z.array(BudgetRowJson),
});
export type PointResult = z.infer<typeof PointResult>;

/** Every point's result of a run (metrology's runResults): what the job's end record holds. */
export const RunResults = z.strictObject({ finished: z.boolean(), points: z.array(PointResult) });
export type RunResults = z.infer<typeof RunResults>;
