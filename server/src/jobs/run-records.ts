import { applyRunEvent, type RunState, runResults, runState } from "@telecal/metrology";
import { type JobCancelledPayload, JobRecordPayload, type RecordKind, type RunEvent, TelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { appendRecord, lockLog } from "../records/log";
import { recordPayload } from "../records/payload";
import { recordsDb } from "../records/schema";
import type { DialectName } from "../store/db";
import type { Schema } from "../store/schema";
import { jobStream } from "./stream";
import type { LoadedJob } from "./views";

/** A job's history as its stream holds it: the run's events in order, and its cancellation if any. */
export interface JobHistory {
  events: RunEvent[];
  cancelled: JobCancelledPayload | null;
}

/** The job's history: the `run` records of the job's stream, each parsed with its schema, and a `job-cancelled`. */
export async function jobHistory(db: Kysely<Schema>, id: string): Promise<JobHistory> {
  const records = await recordsDb(db).selectFrom("records").select(["id", "kind", "stream", "seq", "payload"]).where("stream", "=", jobStream(id)).orderBy("seq").execute();
  const history: JobHistory = { events: [], cancelled: null };
  for (const r of records) {
    const payload = recordPayload(JobRecordPayload, r);
    if (payload.event === "run") history.events.push(payload.run);
    else if (payload.event === "job-cancelled") history.cancelled = payload;
  }
  return history;
}

/** The run's events so far, in order. */
export async function runEvents(db: Kysely<Schema>, id: string): Promise<RunEvent[]> {
  return (await jobHistory(db, id)).events;
}

/** Refuses to take anything more of a cancelled job. */
export function assertNotCancelled(id: string, history: JobHistory, what: string): void {
  if (history.cancelled) throw new TelecalError("TC_ERR_JOB_CLOSED", { job: id, state: "cancelled", what });
}

/** The record kind of a run event: entries and approvals are named as such in the log. */
export function recordKind(before: RunState, event: RunEvent): RecordKind {
  if (event.kind === "approved" || event.kind === "sent-back") return "approval";
  if (event.kind === "completed" && before.next?.step.kind === "manual") return "manual-entry";
  return "procedure-event";
}

/**
 * Appends one event to the job's run under the log's lock, so two people answering at once cannot
 * both take the same step: `check` sees the run's state first and throws to refuse. Returns the state after.
 */
export async function appendRunEvent(db: Kysely<Schema>, dialect: DialectName, job: LoadedJob, event: RunEvent, check: (state: RunState) => void): Promise<RunState> {
  return db.transaction().execute(async (trx) => {
    await lockLog(recordsDb(trx), dialect);
    const history = await jobHistory(trx, job.row.id);
    assertNotCancelled(job.row.id, history, `given ${event.kind === "completed" ? `step ${event.step}` : event.kind}`);
    const events = history.events;
    const before = runState(job.plan, events);
    check(before);
    const after = applyRunEvent(job.plan, before, event);
    await appendRecord(recordsDb(trx), dialect, { kind: recordKind(before, event), stream: jobStream(job.row.id), actor: event.by, payload: { event: "run", run: event } }, event.at);
    if (after.finished && !before.finished) {
      // The results as computed when the run ended (errors, budgets, decisions per point), kept
      // beside the events they come from: a later change of the code shows as a difference.
      // A procedure whose arithmetic fails at a point (a model input no step feeds) must not keep
      // the run from ending: the failure is what is recorded then.
      let payload: object;
      try {
        payload = { event: "results", points: runResults(job.procedure, [...events, event]).points };
      } catch (err) {
        payload = { event: "results", error: err instanceof TelecalError ? err.toBody() : { code: "TC_ERR_INTERNAL", message: String(err) } };
      }
      await appendRecord(recordsDb(trx), dialect, { kind: "procedure-event", stream: jobStream(job.row.id), actor: "server", payload }, event.at);
    }
    return after;
  });
}
