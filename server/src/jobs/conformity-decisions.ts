import { runResults } from "@telecal/metrology";
import { type ConformityDecision, type ConformityDecisionRequest, JobRecordPayload, TelecalError, type UserInfo } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { appendRecord, lockLog } from "../records/log";
import { recordPayload } from "../records/payload";
import { recordsDb } from "../records/schema";
import type { DialectName } from "../store/db";
import type { Schema } from "../store/schema";
import { runEvents } from "./run-records";
import { jobStream } from "./stream";
import type { LoadedJob } from "./views";

/** The decisions an expert recorded on a job's conditional points, in log order, up to record `upTo`. */
export async function conformityDecisions(db: Kysely<Schema>, jobId: string, upTo = Number.MAX_SAFE_INTEGER): Promise<ConformityDecision[]> {
  const records = await recordsDb(db)
    .selectFrom("records")
    .select(["id", "kind", "stream", "seq", "payload"])
    .where("stream", "=", jobStream(jobId))
    .where("kind", "=", "approval")
    .where("id", "<=", upTo)
    .orderBy("seq")
    .execute();
  return records.flatMap((r) => {
    const payload = recordPayload(JobRecordPayload, r);
    return payload.event === "conformity-decision" ? [payload.decision] : [];
  });
}

/** The points whose result is conditional and that no recorded decision covers yet. */
export function undecidedPoints(conditional: readonly string[], decisions: readonly ConformityDecision[]): string[] {
  const decided = new Set(decisions.map((d) => d.point));
  return conditional.filter((p) => !decided.has(p));
}

/**
 * Records an expert's decision on a conditional point of a finished job (kind approval, in the
 * job's stream, so its certificate names it). Under the log's lock, the run's results computed
 * from its events: the point must be the job's and its result conditional now.
 */
export async function recordConformityDecision(
  db: Kysely<Schema>,
  dialect: DialectName,
  job: LoadedJob,
  user: UserInfo,
  body: ConformityDecisionRequest,
  now: number,
): Promise<ConformityDecision> {
  const refuse = (reason: string) => new TelecalError("TC_ERR_JOB_DECISION", { job: job.row.id, point: body.point, reason });
  return db.transaction().execute(async (trx) => {
    await lockLog(recordsDb(trx), dialect);
    const results = runResults(job.procedure, await runEvents(trx, job.row.id));
    if (!results.finished) throw refuse("the run has steps to go: decide on its results when it is finished");
    const point = results.points.find((p) => p.point === body.point);
    if (!point) throw refuse("no such point in the job's procedure");
    const code = point.decision?.code;
    if (code !== "conditional-pass" && code !== "conditional-fail" && code !== "undetermined") {
      throw refuse(`its result is ${code ?? "not measured"}, not conditional: there is nothing to decide`);
    }
    const decision: ConformityDecision = { ...body, code, by: `user:${user.id}`, at: now };
    await appendRecord(recordsDb(trx), dialect, { kind: "approval", stream: jobStream(job.row.id), actor: decision.by, payload: { event: "conformity-decision", decision } }, now);
    return decision;
  });
}
