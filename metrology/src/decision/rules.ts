import { TelecalError } from "@telecal/protocols";
import type { DecisionRuleName } from "../procedure/schema";

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
 *   合格 iff |Δ| ≤ MPEV − U95, 不合格 iff |Δ| ≥ MPEV + U95, and 待定 (undetermined) in between.
 *   Here |Δ| ≤ MPEV − U is lower + U ≤ y ≤ upper − U, and so on, for limits not centred on zero.
 * At equality the value is on the side the rule's text puts it: every "≤" and "≥" above is
 * inclusive, with a few units in the last place of slack for sums such as −1 + 0.2.
 */
export type DecisionCode = "pass" | "conditional-pass" | "conditional-fail" | "fail" | "undetermined";

export interface DecisionInput {
  value: number;
  U: number;
  lower: number;
  upper: number;
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
  "jjf-1094": { pass: { zh: "合格", en: "conforming" }, fail: { zh: "不合格", en: "non-conforming" }, undetermined: { zh: "待定", en: "undetermined" } },
};

/** Judges `input` by `rule`; bad limits or U: TC_ERR_BUDGET_INVALID at `where`'s `decision` field. */
export function decide(rule: DecisionRuleName, input: DecisionInput, where = "decision"): Decision {
  const { value: y, U, lower, upper } = input;
  const bad = (path: string, reason: string) => new TelecalError("TC_ERR_BUDGET_INVALID", { file: where, path: `decision.${path}`, reason });
  for (const [key, v] of Object.entries(input)) if (!Number.isFinite(v)) throw bad(key, `${String(v)} is not a finite number`);
  if (U < 0) throw bad("U", "an expanded uncertainty is not negative");
  if (lower > upper) throw bad("lower", `lower limit ${lower} above upper limit ${upper}`);
  // A few units in the last place of slack, so that -0.8 with U = 0.2 sits on the limit -1 + 0.2.
  const tol = 8 * Number.EPSILON * (Math.abs(lower) + Math.abs(upper) + U + Math.abs(y));
  const le = (a: number, b: number) => a <= b + tol;
  const inside = le(lower, y) && le(y, upper);
  const guarded = le(lower + U, upper - U) ? { lower: lower + U, upper: upper - U } : null;
  const inGuarded = guarded !== null && le(guarded.lower, y) && le(y, guarded.upper);
  let code: DecisionCode;
  let acceptance: Decision["acceptance"] = guarded;
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
      else if (le(lower - U, y) && le(y, upper + U)) code = "conditional-fail";
      else code = "fail";
      break;
    case "jjf-1094": {
      const mpev = (upper - lower) / 2;
      uncertaintyRequirementMet = le(U, mpev / 3);
      if (uncertaintyRequirementMet) {
        code = inside ? "pass" : "fail";
        acceptance = { lower, upper };
      } else if (inGuarded) code = "pass";
      else if (le(y, lower - U) || le(upper + U, y)) code = "fail";
      else code = "undetermined";
      break;
    }
  }
  const decision: Decision = { rule, code, label: DECISION_LABELS[rule][code]!, lower, upper, acceptance };
  if (uncertaintyRequirementMet !== undefined) decision.uncertaintyRequirementMet = uncertaintyRequirementMet;
  return decision;
}
