import { type Decision, type ResultRow, TelecalError } from "@telecal/protocols";
import type { PointResult } from "./point-result";
import type { Procedure } from "./schema";

/**
 * The certificate's rows from a run's point results: the same error, U, k and coverage the table
 * shows, before rounding to what the certificate states. A 检定 point passes only on a plain pass of
 * its rule; any other verdict (fail, conditional, 待定) makes the certificate a 检定结果通知书.
 */
export function certificateRows(procedure: Procedure, rows: readonly PointResult[], where: string = procedure.id): ResultRow[] {
  return rows.map((r) => {
    if (r.error === null || r.U === null || r.k === null || r.decision === null) {
      throw new TelecalError("TC_ERR_JOB_NOT_FINISHED", { job: where, reason: `point ${r.point} was not measured whole` });
    }
    const decision: Decision = r.decision.code === "pass" ? "pass" : "fail";
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
