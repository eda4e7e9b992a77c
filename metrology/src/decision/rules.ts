import { TelecalError } from "@telecal/protocols";
import type { DecisionRuleName } from "../procedure/schema";
import { type DecimalLike, exact, type ExactValue } from "./exact";

/**
 * Decision rules: does a measured value y with expanded uncertainty U conform to the tolerance
 * [lower, upper]? T = (upper − lower)/2 is the half-width of the tolerance (the MPEV of JJF 1094
 * when the limits are ±MPE around zero).
 *
 * - simple (ILAC-G8:09/2019 "simple acceptance", shared risk): pass iff lower ≤ y ≤ upper.
 * - guard-band (ILAC-G8 guarded acceptance, guard band w = U): pass iff lower + U ≤ y ≤ upper − U;
 *   otherwise fail. With U ≥ T nothing passes.
 * - ilac-g8-nonbinary (ILAC-G8:09/2019 4.2.3, w = U): pass iff lower + U ≤ y ≤ upper − U;
 *   conditional pass iff inside the limits otherwise; conditional fail iff outside the limits but
 *   within U of them (lower − U ≤ y < lower or upper < y ≤ upper + U); fail beyond that.
 * - jjf-1094 (JJF 1094-2002 5.3.1 示值误差的符合性评定): when U95 ≤ MPEV/3 (the requirement on the
 *   uncertainty of the evaluation is met), 合格 iff |Δ| ≤ MPEV, 不合格 otherwise. When U95 > MPEV/3:
 *   合格 iff |Δ| ≤ MPEV − U95, 不合格 iff |Δ| ≥ MPEV + U95, and 待定 in between: a conditional pass
 *   while |Δ| ≤ MPEV (ILAC-G8 4.2.3's zone inside the limits), a conditional fail beyond MPEV.
 *   Here |Δ| ≤ MPEV − U is lower + U ≤ y ≤ upper − U, and so on, for limits not centred on zero.
 * Every comparison is in decimal arithmetic on the values as stated (exact.ts), so that a value on
 * a limit is on it: every "≤" and "≥" above is inclusive, exactly.
 */
export type DecisionCode = "pass" | "conditional-pass" | "conditional-fail" | "fail";

/** The value, U and limits: numbers (taken as their shortest decimal text), decimal text, or decimals. */
export interface DecisionInput {
  value: DecimalLike;
  U: DecimalLike;
  lower: DecimalLike;
  upper: DecimalLike;
}

export interface Decision {
  rule: DecisionRuleName;
  code: DecisionCode;
  label: { zh: string; en: string };
  lower: number;
  upper: number;
  /** The acceptance zone the value was judged against (null: none, every value fails). */
  acceptance: { lower: number; upper: number } | null;
  /** jjf-1094: whether U ≤ MPEV/3, the condition for judging by |Δ| ≤ MPEV alone. */
  uncertaintyRequirementMet?: boolean;
}

export const DECISION_LABELS: Record<DecisionRuleName, Partial<Record<DecisionCode, { zh: string; en: string }>>> = {
  simple: { pass: { zh: "合格", en: "pass" }, fail: { zh: "不合格", en: "fail" } },
  "guard-band": { pass: { zh: "合格", en: "pass" }, fail: { zh: "不合格", en: "fail" } },
  "ilac-g8-nonbinary": {
    pass: { zh: "合格", en: "pass" },
    "conditional-pass": { zh: "有条件合格", en: "conditional pass" },
    "conditional-fail": { zh: "有条件不合格", en: "conditional fail" },
    fail: { zh: "不合格", en: "fail" },
  },
  "jjf-1094": {
    pass: { zh: "合格", en: "conforming" },
    "conditional-pass": { zh: "待定", en: "undetermined (conditional pass)" },
    "conditional-fail": { zh: "待定", en: "undetermined (conditional fail)" },
    fail: { zh: "不合格", en: "non-conforming" },
  },
};

/** Whether a code leaves the conformity open: ILAC-G8's conditional results, JJF 1094's 待定. */
export function isConditional(code: string): boolean {
  return code === "conditional-pass" || code === "conditional-fail";
}

function asExact(key: string, v: DecimalLike, bad: (path: string, reason: string) => TelecalError): ExactValue {
  let d: ExactValue;
  try {
    d = exact(v);
  } catch {
    throw bad(key, `${String(v)} is not a number`);
  }
  if (!d.isFinite()) throw bad(key, `${String(v)} is not a finite number`);
  return d;
}

/** Judges `input` by `rule`; bad limits or U: TC_ERR_BUDGET_INVALID at `where`'s `decision` field. */
export function decide(rule: DecisionRuleName, input: DecisionInput, where = "decision"): Decision {
  const bad = (path: string, reason: string) => new TelecalError("TC_ERR_BUDGET_INVALID", { file: where, path: `decision.${path}`, reason });
  const [y, U, lower, upper] = (["value", "U", "lower", "upper"] as const).map((key) => asExact(key, input[key], bad)) as [ExactValue, ExactValue, ExactValue, ExactValue];
  if (U.lt(0)) throw bad("U", "an expanded uncertainty is not negative");
  if (lower.gt(upper)) throw bad("lower", `lower limit ${lower.toString()} above upper limit ${upper.toString()}`);
  const within = (lo: ExactValue, hi: ExactValue) => lo.lte(y) && y.lte(hi);
  const inside = within(lower, upper);
  const gLower = lower.plus(U);
  const gUpper = upper.minus(U);
  const guarded = gLower.lte(gUpper) ? { lower: gLower, upper: gUpper } : null;
  const inGuarded = guarded !== null && within(guarded.lower, guarded.upper);
  let code: DecisionCode;
  let acceptance = guarded;
  let uncertaintyRequirementMet: boolean | undefined;
  switch (rule) {
    case "simple":
      code = inside ? "pass" : "fail";
      acceptance = { lower, upper };
      break;
    case "guard-band":
      code = inGuarded ? "pass" : "fail";
      break;
    case "ilac-g8-nonbinary":
      if (inGuarded) code = "pass";
      else if (inside) code = "conditional-pass";
      else if (within(lower.minus(U), upper.plus(U))) code = "conditional-fail";
      else code = "fail";
      break;
    case "jjf-1094": {
      // U ≤ MPEV/3 with MPEV = (upper − lower)/2, as 6U ≤ upper − lower: no rounded third.
      uncertaintyRequirementMet = U.times(6).lte(upper.minus(lower));
      if (uncertaintyRequirementMet) {
        code = inside ? "pass" : "fail";
        acceptance = { lower, upper };
      } else if (inGuarded) code = "pass";
      else if (y.lte(lower.minus(U)) || y.gte(upper.plus(U))) code = "fail";
      else code = inside ? "conditional-pass" : "conditional-fail";
      break;
    }
  }
  const n = (d: ExactValue) => d.toNumber();
  const decision: Decision = {
    rule,
    code,
    label: DECISION_LABELS[rule][code]!,
    lower: n(lower),
    upper: n(upper),
    acceptance: acceptance && { lower: n(acceptance.lower), upper: n(acceptance.upper) },
  };
  if (uncertaintyRequirementMet !== undefined) decision.uncertaintyRequirementMet = uncertaintyRequirementMet;
  return decision;
}
