import { certificateRows, type PointResult } from "@telecal/metrology";
import { loadProcedures } from "@telecal/server";
import { describe, expect, it } from "vitest";

const balance = loadProcedures().get("balance-jjg1036")!;

/** A measured point of the balance with this decision code and error (MPE 0.5 mg). */
const point = (code: string, error: number): PointResult => ({
  point: `p-${code}-${error}`,
  nominal: 10,
  unit: "g",
  reference: 10,
  indication: 10 + error,
  error,
  mpe: 0.0005,
  readings: { indication: 3 },
  check: "error",
  u: 0.0002,
  dof: null,
  k: 2,
  U: 0.0004,
  coverageProbability: 0.9545,
  decision: { rule: "jjf-1094", code: code as NonNullable<PointResult["decision"]>["code"], label: { zh: "待定", en: "undetermined" } },
  budget: [],
});

describe("a 检定's rows state each point's conformity in the DCC's words", () => {
  it("pass, conditional pass, conditional fail and fail as pass, conditionalPass, conditionalFail, fail", () => {
    const rows = certificateRows(balance, [point("pass", 0), point("conditional-pass", 0.0004), point("conditional-fail", 0.0006), point("fail", 0.001)]);
    expect(rows.map((r) => r.decision)).toEqual(["pass", "conditionalPass", "conditionalFail", "fail"]);
  });

  it("a recorded 'undetermined' (before 待定 was split) by the side of the MPE its error lies on", () => {
    const rows = certificateRows(balance, [point("undetermined", 0.0005), point("undetermined", -0.0006)]);
    expect(rows.map((r) => r.decision)).toEqual(["conditionalPass", "conditionalFail"]);
  });
});
