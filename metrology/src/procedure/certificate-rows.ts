import { type Decision, type DecisionCode as RecordedCode, type ResultRow, TelecalError } from "@telecal/protocols";
import { exact } from "../decision/exact";
import type { PointResult } from "./point-result";
import type { Procedure } from "./schema";

/** A point's code in the certificate's words (DCC); `undetermined`, recorded before 待定 was split, by which side of the MPE the error lies. */
function rowDecision(code: RecordedCode, withinMpe: boolean): Decision {
  switch (code) {
    case "pass":
      return "pass";
    case "conditional-pass":
      return "conditionalPass";
    case "conditional-fail":
      return "conditionalFail";
    case "undetermined":
      return withinMpe ? "conditionalPass" : "conditionalFail";
    case "fail":
      return "fail";
  }
}

/**
 * The certificate's rows from a run's point results: the same error, U, k and coverage the table
 * shows, before rounding to what the certificate states. A 检定 point passes only on a plain pass of
 * its rule; any other verdict (fail, conditional, 待定) makes the certificate a 检定结果通知书, and a
 * conditional one is stated as such (conditionalPass, conditionalFail).
 */
export function certificateRows(procedure: Procedure, rows: readonly PointResult[], where: string = procedure.id): ResultRow[] {
  return rows.map((r) => {
    if (r.error === null || r.U === null || r.k === null || r.decision === null) {
      throw new TelecalError("TC_ERR_JOB_NOT_FINISHED", { job: where, reason: `point ${r.point} was not measured whole` });
    }
    const decision = rowDecision(r.decision.code, exact(r.error).abs().lte(exact(r.mpe)));
    return {
      point: r.point,
      nominal: r.nominal,
      unit: r.unit,
      reference: r.reference ?? r.nominal,
      indication: r.indication ?? r.nominal + r.error,
      error: r.error,
      U: r.U,
      k: r.k,
      coverageProbability: r.coverageProbability ?? 0.9545,
      mpe: r.mpe,
      ...(procedure.mode === "verification" ? { decision } : {}),
    };
  });
}
