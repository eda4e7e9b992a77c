import { canonicalJson, type ResultRow, type SignatureManifest, TelecalError, isTelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { certificateRows } from "@telecal/metrology";
import { evidenceRows, jobEvidence } from "../jobs/evidence";
import type { Schema } from "../store/schema";
import { reportedRow } from "./reported-values";

export interface ResultsCheck {
  job: string;
  points: number;
  /** Raw records the recomputation read: the job's own and the reading batches. */
  records: number;
  /**
   * The rows are those recorded when the run ended, from the same raw records, though this version
   * of the code computes them otherwise (a later change of the arithmetic or of its rounding).
   */
  asRecorded?: true;
}

const FIELDS = ["point", "nominal", "unit", "reference", "indication", "error", "U", "k", "coverageProbability", "mpe", "decision"] as const;

/**
 * A conditional point stated `fail`: how versions before non-binary results stated every point that
 * did not pass (the stricter word, so nothing is claimed that the records do not bear out).
 */
function binaryStatement(f: (typeof FIELDS)[number], stated: ResultRow, recomputed: ResultRow): boolean {
  return f === "decision" && stated.decision === "fail" && (recomputed.decision === "conditionalPass" || recomputed.decision === "conditionalFail");
}

/** The first field in which two rows differ, named for the reason of a refusal. */
function firstDifference(stated: ResultRow, recomputed: ResultRow): string | null {
  for (const f of FIELDS) {
    if (binaryStatement(f, stated, recomputed)) continue;
    if (canonicalJson(stated[f] ?? null) !== canonicalJson(recomputed[f] ?? null)) {
      return `point ${recomputed.point}: ${f} is ${String(stated[f])} on the certificate, ${String(recomputed[f])} from the raw records`;
    }
  }
  const same = canonicalJson(stated) === canonicalJson(binaryStatement("decision", stated, recomputed) ? { ...recomputed, decision: "fail" } : recomputed);
  return same ? null : `point ${recomputed.point}: the rows differ`;
}

/**
 * Recomputes a job certificate's results from the record log at hand, up to the checkpoint it names:
 * the job's procedure and run, every reading the run used checked against the batch the agent signed,
 * then the rows as stated. Null for a certificate issued from given values (no job named).
 */
export async function checkCertificateResults(db: Kysely<Schema>, manifest: SignatureManifest, file: string): Promise<ResultsCheck | null> {
  if (!manifest.job) return null;
  const job = manifest.job.id;
  const fail = (reason: string) => new TelecalError("TC_ERR_CERT_RESULTS", { file, job, reason });
  let evidence;
  let rows: ResultRow[];
  try {
    evidence = await jobEvidence(db, job, { upTo: manifest.checkpoint.treeSize });
    rows = evidenceRows(evidence).map(reportedRow);
  } catch (err) {
    if (!isTelecalError(err)) throw err;
    if (err.code === "TC_ERR_JOB_NOT_FOUND") throw fail(`the log holds no job ${job} under checkpoint ${manifest.checkpoint.treeSize}`);
    throw fail(err.code === "TC_ERR_CERT_RESULTS" ? String(err.params["reason"]) : err.message);
  }
  const named = new Set(manifest.records);
  const unnamed = evidence.records.find((r) => !named.has(r.hash));
  if (unnamed) throw fail(`raw record ${unnamed.id} (${unnamed.stream}) is the job's but the certificate does not name it`);
  const stated = manifest.job.results;
  const difference = (computed: ResultRow[]): string | null => {
    if (stated.length !== computed.length) return `${stated.length} rows on the certificate, ${computed.length} points from the raw records`;
    for (let i = 0; i < computed.length; i++) {
      const diff = firstDifference(stated[i]!, computed[i]!);
      if (diff) return diff;
    }
    return null;
  };
  const now = difference(rows);
  if (now === null) return { job, points: rows.length, records: evidence.records.length };
  // Computed otherwise by this version of the code: the rows may still be those the server recorded
  // when the run ended (the results record is one of the raw records named, so it is as sound).
  const recorded = evidence.recordedPoints ? difference(certificateRows(evidence.procedure, evidence.recordedPoints, job).map(reportedRow)) : now;
  if (recorded === null) return { job, points: rows.length, records: evidence.records.length, asRecorded: true };
  throw fail(now);
}
