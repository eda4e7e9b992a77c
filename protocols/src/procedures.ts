import { z } from "zod";
import { Id } from "./ids";

/**
 * A calibration or verification procedure as data: what a lab writes once per regulation and runs
 * for every job. Validated strictly (unknown fields refused), so that a typo in a procedure file is
 * an error naming the field, never a silently skipped step.
 */

/** Text shown to people: Chinese first, English beside it. */
export const Text = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
export type Text = z.infer<typeof Text>;

/** 检定 (legal verification, pass/fail against an MPE) or 校准 (calibration, error and U). */
export const ProcedureMode = z.enum(["verification", "calibration"]);
export type ProcedureMode = z.infer<typeof ProcedureMode>;

export const EquipmentRole = z.enum(["source", "reference", "uut", "environment"]);
export type EquipmentRole = z.infer<typeof EquipmentRole>;

/** One piece of equipment the procedure needs, by the role it plays. */
export const Equipment = z.strictObject({
  id: Id,
  role: EquipmentRole,
  name: Text,
  /** Driver names (agent/drivers) that can play this part; empty: read by eye and typed in. */
  drivers: z.array(z.string().min(1)).default([]),
  /** A reference standard: its own certificate must be valid on the day of the job. */
  traceable: z.boolean().default(false),
});
export type Equipment = z.infer<typeof Equipment>;

export const Limits = z
  .strictObject({ min: z.number(), max: z.number(), unit: z.string().min(1) })
  .refine((l) => l.min <= l.max, { message: "min must not exceed max" });

/** One test point. Expressions see `x` (the nominal) and `range`, and the point's own `vars`. */
export const TestPoint = z.strictObject({
  id: Id,
  label: Text.optional(),
  nominal: z.number().finite(),
  unit: z.string().min(1),
  range: z.number().finite().positive().optional(),
  /** The function of the instrument the point tests (dcv, res, ...): per-point steps with `only` run for the functions they name. */
  function: Id.optional(),
  /** Maximum permissible error, an expression (e.g. "0.000035 * abs(x) + 0.000005 * range"). */
  mpe: z.string().min(1),
  /** Readings per point, unless a step says otherwise. */
  readings: z.number().int().min(1).max(1000).default(10),
  /** Extra named numbers for the expressions of this point (accuracy class, scale interval e, ...). */
  vars: z.record(z.string().regex(/^[A-Za-z_]\w*$/), z.number().finite()).default({}),
  /** What the point checks against its MPE: the error of the mean, or the range of its readings (repeatability). */
  check: z.enum(["error", "range"]).default("error"),
  /** The point at the same nominal on the other stroke: their indications differ by the hysteresis (回程误差), also checked against the MPE. */
  pair: Id.optional(),
});
export type TestPoint = z.infer<typeof TestPoint>;

/** A value a step sets: a number, a word such as OPER, or an expression such as {expr: "x"}. */
export const SetValue = z.union([z.number().finite(), z.string().min(1), z.strictObject({ expr: z.string().min(1) })]);
export type SetValue = z.infer<typeof SetValue>;

/**
 * What `telecal calibrate --demo` does in place of the technician at a manual step: set a
 * simulator's property (place the weight, set the bath), and type the value an expression gives.
 */
export const Demo = z.strictObject({
  set: z.array(z.strictObject({ equipment: Id, property: z.string().min(1), value: SetValue })).default([]),
  enter: z.string().min(1).optional(),
});

const StepBase = {
  id: Id,
  /** Per-point steps only: the step runs for the points of these functions, and is skipped for the others. */
  only: z.array(Id).min(1).optional(),
};

export const Step = z.discriminatedUnion("kind", [
  z.strictObject({ ...StepBase, kind: z.literal("instruction"), text: Text, image: z.string().min(1).optional(), demo: Demo.optional() }),
  /** Temperature and humidity, read from an environment instrument or typed in. */
  z.strictObject({ ...StepBase, kind: z.literal("environment"), equipment: Id.optional() }),
  z.strictObject({ ...StepBase, kind: z.literal("set"), equipment: Id, property: z.string().min(1), value: SetValue, settleMs: z.number().int().min(0).max(600_000).default(0) }),
  z.strictObject({
    ...StepBase,
    kind: z.literal("read"),
    equipment: Id,
    measurement: z.string().min(1).optional(),
    /** Readings to take; the point's `readings` when absent. */
    count: z.number().int().min(1).max(1000).optional(),
    /** Which input of the uncertainty model the readings feed. */
    into: z.string().regex(/^[A-Za-z_]\w*$/),
  }),
  z.strictObject({
    ...StepBase,
    kind: z.literal("manual"),
    prompt: Text,
    into: z.string().regex(/^[A-Za-z_]\w*$/),
    unit: z.string().min(1),
    count: z.number().int().min(1).max(100).default(1),
    demo: Demo.optional(),
  }),
  /** The supervising expert approves, or sends the run back to an earlier step with a comment. */
  z.strictObject({ ...StepBase, kind: z.literal("approval"), prompt: Text }),
]);
export type Step = z.infer<typeof Step>;
export type StepKind = Step["kind"];

/** A Type B contribution per point; expressions as for the MPE. */
export const Contribution = z.strictObject({
  input: z.string().regex(/^[A-Za-z_]\w*$/),
  title: Text,
  /** The input's value, an expression (e.g. "x" for a source set to the nominal). */
  value: z.string().min(1).default("0"),
  distribution: z.enum(["normal", "rectangular", "triangular", "arcsine"]),
  /** Half-width (rectangular, triangular, arcsine) or standard uncertainty (normal), an expression. */
  width: z.string().min(1),
  /** For normal: the coverage factor the width was stated with (1 for a standard uncertainty). */
  k: z.number().positive().default(1),
});
export type Contribution = z.infer<typeof Contribution>;

export const DecisionRuleName = z.enum(["simple", "guard-band", "ilac-g8-nonbinary", "jjf-1094"]);
export type DecisionRuleName = z.infer<typeof DecisionRuleName>;

export const ProcedureDocument = z.strictObject({
  id: Id,
  title: Text,
  regulation: z.strictObject({ code: z.string().min(1), title: z.string().min(1) }),
  mode: ProcedureMode,
  quantity: z.string().min(1),
  equipment: z.array(Equipment).min(1),
  environment: z.strictObject({ temperature: Limits, humidity: Limits.optional() }),
  points: z.array(TestPoint).min(1),
  steps: z.strictObject({
    before: z.array(Step).default([]),
    /** Run once for every test point, in order. */
    perPoint: z.array(Step).min(1),
    after: z.array(Step).default([]),
  }),
  uncertainty: z.strictObject({
    /** The measurement model, e.g. "indication - reference": the error of the unit under test. */
    model: z.string().min(1),
    contributions: z.array(Contribution).default([]),
    coverage: z.union([z.strictObject({ k: z.number().positive() }), z.strictObject({ probability: z.number().gt(0).lt(1) })]),
  }),
  decision: z.strictObject({ rule: DecisionRuleName }),
  /** A least-squares straight line through the points, e.g. the correction against the indication. */
  curve: z.strictObject({ x: z.string().regex(/^[A-Za-z_]\w*$/), y: z.string().min(1) }).optional(),
});
/** A procedure as it travels (job, agent job, catalogue file), before metrology's cross-checks (ids, equipment, model inputs). */
export type ProcedureDocument = z.infer<typeof ProcedureDocument>;
export type ProcedureDocumentInput = z.input<typeof ProcedureDocument>;
