import type { RunState } from "@telecal/metrology";
import { JobRecordPayload, type RecordKind, type RunEvent } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { recordPayload } from "../records/payload";
import { recordsDb } from "../records/schema";
import type { Schema } from "../store/schema";
import { jobStream } from "./stream";

/** The run's events so far, in order: the `run` records of the job's stream, each parsed with its schema. */
export async function runEvents(db: Kysely<Schema>, id: string): Promise<RunEvent[]> {
  const records = await recordsDb(db).selectFrom("records").select(["id", "kind", "stream", "seq", "payload"]).where("stream", "=", jobStream(id)).orderBy("seq").execute();
  return records.flatMap((r) => {
    const payload = recordPayload(JobRecordPayload, r);
    return payload.event === "run" ? [payload.run] : [];
  });
}

/** The record kind of a run event: entries and approvals are named as such in the log. */
export function recordKind(before: RunState, event: RunEvent): RecordKind {
  if (event.kind === "approved" || event.kind === "sent-back") return "approval";
  if (event.kind === "completed" && before.next?.step.kind === "manual") return "manual-entry";
  return "procedure-event";
}
