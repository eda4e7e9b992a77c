import { runState } from "@telecal/metrology";
import { canonicalJson, type EditJobRequest, JobBindings, type JobSetup, JobStandards, parseJson, TelecalError, type UserInfo } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { appendRecord, lockLog } from "../records/log";
import { recordsDb } from "../records/schema";
import type { DialectName } from "../store/db";
import type { Schema } from "../store/schema";
import { assertNotCancelled, jobHistory } from "./run-records";
import type { JobsTable } from "./schema";
import type { CheckedSetup } from "./setup";
import { jobStream } from "./stream";
import type { LoadedJob } from "./views";

/**
 * Who may edit or cancel a job: its technician, its expert, whoever created it, and an admin of the
 * job's organisation. Anyone else is refused by name.
 */
export function assertMayChange(user: UserInfo, job: LoadedJob, what: string): void {
  const row = job.row;
  const party = user.id === row.technician_id || user.id === row.expert_id || row.created_by === `user:${user.id}`;
  if (party || (user.role === "admin" && user.organisation.id === row.organisation_id)) return;
  throw new TelecalError("TC_ERR_JOB_FORBIDDEN", { who: `${user.role} ${user.username}`, what, job: row.id });
}

const setupOf = (row: JobsTable): JobSetup => ({
  binding: parseJson(JobBindings, row.binding, `binding of job ${row.id}`, "TC_ERR_STORED_INVALID"),
  standards: parseJson(JobStandards, row.standards, `standards of job ${row.id}`, "TC_ERR_STORED_INVALID"),
  technician_id: row.technician_id,
  expert_id: row.expert_id,
});

/**
 * Cancels a job, at any time before it finished: a `job-cancelled` record with who, when and why,
 * appended under the log's lock so that no step is taken after it. A finished job is not cancelled.
 */
export async function cancelJob(db: Kysely<Schema>, dialect: DialectName, user: UserInfo, job: LoadedJob, reason: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockLog(recordsDb(trx), dialect);
    const history = await jobHistory(trx, job.row.id);
    assertNotCancelled(job.row.id, history, "cancelled again");
    if (runState(job.plan, history.events).finished) throw new TelecalError("TC_ERR_JOB_CLOSED", { job: job.row.id, state: "finished", what: "cancelled" });
    const payload = { event: "job-cancelled", by: `user:${user.id}`, at: now, reason };
    await appendRecord(recordsDb(trx), dialect, { kind: "procedure-event", stream: jobStream(job.row.id), actor: `user:${user.id}`, payload }, now);
  });
}

/**
 * Changes a job's binding and people before its run begins: the jobs table takes the new setup
 * and the log a `job-edited` record with the old and the new, in one transaction under the log's
 * lock (a first step answered meanwhile wins, and the edit is refused).
 */
export async function editJob(db: Kysely<Schema>, dialect: DialectName, user: UserInfo, job: LoadedJob, setup: CheckedSetup, body: EditJobRequest, now: number): Promise<void> {
  const next: JobSetup = { binding: setup.binding, standards: setup.standards, technician_id: setup.technician.id, expert_id: setup.expert.id };
  await db.transaction().execute(async (trx) => {
    await lockLog(recordsDb(trx), dialect);
    const history = await jobHistory(trx, job.row.id);
    assertNotCancelled(job.row.id, history, "edited");
    const first = history.events[0];
    if (first) throw new TelecalError("TC_ERR_JOB_STARTED", { job: job.row.id, first: first.kind === "completed" || first.kind === "approved" || first.kind === "sent-back" ? `${first.kind} ${first.step}` : first.kind });
    // The row as it is now, under the lock: an edit just before this one is what this one changes.
    const old = setupOf(await trx.selectFrom("jobs").selectAll().where("id", "=", job.row.id).executeTakeFirstOrThrow());
    await trx
      .updateTable("jobs")
      .set({ binding: canonicalJson(next.binding), standards: canonicalJson(next.standards), technician_id: next.technician_id, expert_id: next.expert_id })
      .where("id", "=", job.row.id)
      .execute();
    const payload = { event: "job-edited", by: `user:${user.id}`, at: now, reason: body.reason, old, new: next };
    await appendRecord(recordsDb(trx), dialect, { kind: "procedure-event", stream: jobStream(job.row.id), actor: `user:${user.id}`, payload }, now);
  });
}
