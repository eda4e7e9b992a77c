import type { Bilingual, CertificateData, Decision } from "@telecal/protocols";

/**
 * How a 检定 certificate states conformity, per point and overall, in every file (PDF, DCC, verify
 * page). A conditional point (JJF 1094 待定, ILAC-G8 有条件合格/有条件不合格) is 待定 on paper and
 * keeps its ILAC-G8 word in the DCC (conditionalPass, conditionalFail).
 */
export const DECISION_TEXT: Readonly<Record<Decision, Bilingual>> = {
  pass: { zh: "合格", en: "pass" },
  conditionalPass: { zh: "待定", en: "conditional pass" },
  conditionalFail: { zh: "待定", en: "conditional fail" },
  fail: { zh: "不合格", en: "fail" },
};

export interface Conclusion {
  /** The DCC's overall dcc:conformity. */
  conformity: Decision;
  /** The cover's 检定结论. */
  word: Bilingual;
  /** The DCC's statement and the verify page's line. */
  statement: Bilingual;
}

/** Overall: pass when every point passes, fail when any fails, else 待定 (conditional fail if any point is one). */
export function conclusionOf(results: CertificateData["results"]): Conclusion {
  const decisions = results.map((r) => r.decision);
  if (decisions.every((d) => d === "pass")) return { conformity: "pass", word: { zh: "合格", en: "Pass" }, statement: { zh: "检定合格", en: "Passed verification" } };
  if (decisions.includes("fail")) return { conformity: "fail", word: { zh: "不合格", en: "Fail" }, statement: { zh: "检定不合格", en: "Failed verification" } };
  return {
    conformity: decisions.includes("conditionalFail") ? "conditionalFail" : "conditionalPass",
    word: { zh: "待定", en: "Undetermined" },
    statement: { zh: "检定结果待定", en: "Verification undetermined (conditional)" },
  };
}
