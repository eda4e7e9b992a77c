import { certificateRows, planOf, type PointResult, type Procedure, Procedure as ProcedureSchema, runResults, runState } from "@telecal/metrology";
import { type JobBinding, JobRecordPayload, ReadingBatchPayload, type ResultRow, type RunEvent, readingsRecordStream, TelecalError, type Usability } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { chainHash, sha256Hex } from "../records/hashing";
import { recordPayload } from "../records/payload";
import type { RecordsSchema, RecordsTable } from "../records/schema";
import type { Schema } from "../store/schema";
import { jobStream } from "./stream";

const CHUNK = 500;

/** A raw record the results rest on: its place in the log and its hash. */
export interface EvidenceRecord {
  id: number;
  hash: string;
  stream: string;
  kind: string;
}

/**
 * A job's results and the raw records they come from, read from the record log alone: the job as
 * created (procedure, agent, binding, standards, people), its run's events, and the reading batches
 * that carried every reading a read step used. The readings table only helps to find those batches;
 * every value is the record's.
 */
export interface JobEvidence {
  jobId: string;
  agentId: string;
  organisationId: string;
  procedure: Procedure;
  /** As the job was created: equipment → registry instrument (and the agent's), the standards' validity then. */
  binding: Record<string, JobBinding>;
  standards: Usability[];
  technicianId: string;
  expertId: string;
  /** The person who approved the run's last approval step (the review): the 核验员; null without one. */
  reviewerId: string | null;
  createdAt: number;
  events: RunEvent[];
  finished: boolean;
  points: PointResult[];
  /** The points as the server computed them when the run ended (the job's results record), if the log has it. */
  recordedPoints: PointResult[] | null;
  /** The job's own records, then the reading batches, each once, in log order. */
  records: EvidenceRecord[];
  /** The values of the run's first environment step, as its latest attempt gave them: temperature [and humidity]. */
  environment: number[] | null;
}

/** Clocks of agent and server differ by a little: a reading may carry a time stamp this far outside the job. */
const CLOCK_SLACK_MS = 60_000;

const problem = (jobId: string, reason: string) => new TelecalError("TC_ERR_CERT_RESULTS", { file: `job/${jobId}`, job: jobId, reason });

export interface EvidenceOptions {
  /** Read the log only up to this record (a checkpoint's tree size). */
  upTo?: number;
  /**
   * The log is live: a reading's batch not there yet may still be on its way from the agent's outbox
   * (TC_ERR_JOB_NOT_FINISHED); otherwise it is missing (TC_ERR_CERT_RESULTS). Default: no `upTo`.
   */
  live?: boolean;
}

/**
 * Gathers a job's evidence from the log. Refuses, naming the step and the reading: a read step
 * completed without saying where its readings came from, readings of another instrument than the
 * one the step reads, a time stamp twice or outside the job, a value that differs from the raw
 * reading the agent sent, a raw reading not in the log, and a record changed after it was logged.
 */
export async function jobEvidence(db: Kysely<Schema>, jobId: string, options: EvidenceOptions = {}): Promise<JobEvidence> {
  const upTo = options.upTo ?? Number.MAX_SAFE_INTEGER;
  const live = options.live ?? options.upTo === undefined;
  const log = db as unknown as Kysely<RecordsSchema>;
  const own = await log
    .selectFrom("records")
    .select(["id", "hash", "stream", "kind", "payload", "seq", "payload_hash", "prev_hash"])
    .where("stream", "=", jobStream(jobId))
    .where("id", "<=", upTo)
    .orderBy("seq")
    .execute();
  for (const r of own) assertIntact(jobId, r);
  const payloads = own.map((r) => recordPayload(JobRecordPayload, r));
  const created = payloads[0];
  if (created?.event !== "job-created") throw new TelecalError("TC_ERR_JOB_NOT_FOUND", { job: jobId });
  // An edit before the run began changed the binding and people: the last one is the job's setup.
  const edited = payloads.flatMap((p) => (p.event === "job-edited" ? [p.new] : [])).at(-1);
  const job = { ...created.job, ...edited };
  const procedure = ProcedureSchema.parse(job.procedure);
  const agentId = job.agent_id;
  const events = payloads.flatMap((p) => (p.event === "run" ? [p.run] : []));
  const recordedPoints = payloads.flatMap((p) => (p.event === "results" && "points" in p ? [p.points] : []))[0] ?? null;
  const plan = planOf(procedure);
  const state = runState(plan, events);
  const { finished, points } = runResults(procedure, events);
  const batches = new Map<number, EvidenceRecord>();
  for (const event of events) {
    if (event.kind !== "completed") continue;
    const step = plan.find((p) => p.key === event.step)?.step;
    if (step?.kind !== "read") continue;
    const from = event.from;
    const values = event.values ?? [];
    const fail = (reason: string) => problem(jobId, `step ${event.step}: ${reason}`);
    if (!from) throw fail("the bench reported its readings without where they came from");
    const instrument = job.binding[step.equipment]?.agentInstrumentId;
    const fits = instrument !== undefined && instrument !== null && (step.measurement !== undefined ? from.stream === `${instrument}.${step.measurement}` : from.stream.startsWith(`${instrument}.`));
    if (!fits) throw fail(`readings of ${from.stream}, not of the ${step.equipment} it reads (${instrument ?? "unbound"}${step.measurement ? `.${step.measurement}` : ""})`);
    if (from.t.length !== values.length) throw fail(`${values.length} values but ${from.t.length} time stamps`);
    if (new Set(from.t).size !== from.t.length) throw fail("a reading's time stamp is given twice");
    const outside = from.t.find((t) => t < job.created_at - CLOCK_SLACK_MS || t > event.at + CLOCK_SLACK_MS);
    if (outside !== undefined) throw fail(`a reading of ${new Date(outside).toISOString()} lies outside the job (created ${new Date(job.created_at).toISOString()}, step done ${new Date(event.at).toISOString()})`);
    const found = await rawReadings(db, agentId, from.stream, from.t, upTo);
    for (const r of found.records) assertIntact(jobId, r);
    from.t.forEach((t, i) => {
      const raw = found.values.get(t);
      if (raw === undefined) {
        const where = `no raw record of the reading at ${new Date(t).toISOString()} on ${from.stream}`;
        throw live ? new TelecalError("TC_ERR_JOB_NOT_FINISHED", { job: jobId, reason: `step ${event.step}: ${where} yet (its batch has not reached the server; try again)` }) : fail(where);
      }
      if (!raw.includes(values[i]!)) throw fail(`reading ${i + 1} is ${values[i]} in the run, ${raw.join(" or ")} in the raw record of ${from.stream}`);
    });
    for (const r of found.records) batches.set(r.id, { id: r.id, hash: r.hash, stream: r.stream, kind: r.kind });
  }
  const ambient = plan.find((p) => p.step.kind === "environment");
  const reviewed = [...events].reverse().find((e) => e.kind === "approved");
  return {
    jobId,
    agentId,
    organisationId: job.organisation_id,
    procedure,
    binding: job.binding,
    standards: job.standards,
    technicianId: job.technician_id,
    expertId: job.expert_id,
    reviewerId: reviewed?.by.startsWith("user:") ? reviewed.by.slice("user:".length) : null,
    createdAt: job.created_at,
    events,
    finished,
    points,
    recordedPoints,
    records: [...own.map(({ id, hash, stream, kind }) => ({ id, hash, stream, kind })), ...[...batches.values()].sort((a, b) => a.id - b.id)],
    environment: (ambient && state.values.get(ambient.key)) || null,
  };
}

/** The rows a certificate of this job states, as computed now from its raw records (not yet rounded). */
export function evidenceRows(evidence: JobEvidence): ResultRow[] {
  if (!evidence.finished) throw new TelecalError("TC_ERR_JOB_NOT_FINISHED", { job: evidence.jobId, reason: "its run has steps to go" });
  return certificateRows(evidence.procedure, evidence.points, evidence.jobId);
}

/**
 * A record read for the results is the one its hash names: its payload and its link in the chain
 * are recomputed, so that an edited payload is not taken for a raw record (telecal verify checks the rest).
 */
function assertIntact(jobId: string, r: Pick<RecordsTable, "id" | "stream" | "seq" | "kind" | "payload" | "payload_hash" | "prev_hash" | "hash">): void {
  const payloadHash = sha256Hex(r.payload);
  if (payloadHash !== r.payload_hash || chainHash({ stream: r.stream, seq: r.seq, kind: r.kind, payloadHash, prevHash: r.prev_hash }) !== r.hash) {
    throw problem(jobId, `record ${r.id} (${r.stream} seq ${r.seq}) was changed after it was logged: its content no longer gives its hash`);
  }
}

/** The reading-batch records that carried the readings at times `ts` of a stream, and the values they carried. */
async function rawReadings(db: Kysely<Schema>, agentId: string, streamId: string, ts: readonly number[], upTo: number) {
  const received = new Set<number>();
  for (let i = 0; i < ts.length; i += CHUNK) {
    const rows = await db
      .selectFrom("readings")
      .select(["received_at"])
      .where("agent_id", "=", agentId)
      .where("stream_id", "=", streamId)
      .where("t", "in", ts.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) received.add(r.received_at);
  }
  const values = new Map<number, number[]>();
  const records: Pick<RecordsTable, "id" | "stream" | "seq" | "kind" | "payload" | "payload_hash" | "prev_hash" | "hash">[] = [];
  if (received.size === 0) return { values, records };
  const log = db as unknown as Kysely<RecordsSchema>;
  const stream = readingsRecordStream(agentId, streamId);
  const wanted = new Set(ts);
  const found = await log
    .selectFrom("records")
    .select(["id", "hash", "stream", "kind", "payload", "seq", "payload_hash", "prev_hash"])
    .where("stream", "=", stream)
    .where("kind", "=", "reading-batch")
    .where("created_at", "in", [...received])
    .where("id", "<=", upTo)
    .orderBy("id")
    .execute();
  for (const r of found) {
    const payload = recordPayload(ReadingBatchPayload, r);
    let used = false;
    payload.t.forEach((t, i) => {
      const v = payload.values[i];
      // A reading before `storedFrom` is an earlier record's, found there: not counted twice.
      if (i < (payload.storedFrom ?? 0) || !wanted.has(t) || v === null || v === undefined) return;
      values.set(t, [...(values.get(t) ?? []), v]);
      used = true;
    });
    if (used) records.push(r);
  }
  return { values, records };
}
