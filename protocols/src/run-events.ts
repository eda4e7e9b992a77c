import { z } from "zod";
import { Id } from "./ids";
import { ProcedureDocument } from "./procedures";

const Who = z.string().min(1).max(128);
const Step = z.string().min(1).max(160);

/**
 * What happens in a run of a procedure (docs/procedures.md): the events the agent's runner journals
 * and the server keeps in the record log, stream job/<id>.
 */
export const RunEvent = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("completed"),
    step: Step,
    values: z.array(z.number().finite()).max(1000).optional(),
    /** For readings: the stream they were taken from and their time stamps, to find the raw records. */
    from: z.strictObject({ stream: z.string().min(1).max(160), t: z.array(z.number()).max(1000) }).optional(),
    by: Who,
    at: z.number(),
  }),
  z.strictObject({ kind: z.literal("approved"), step: Step, by: Who, at: z.number(), comment: z.string().max(2000).optional() }),
  /** From an approval step back to an earlier one: the steps from there on run again. */
  z.strictObject({ kind: z.literal("sent-back"), step: Step, to: Step, by: Who, at: z.number(), comment: z.string().max(2000) }),
  z.strictObject({ kind: z.literal("held"), by: Who, at: z.number(), comment: z.string().max(2000).optional() }),
  z.strictObject({ kind: z.literal("resumed"), by: Who, at: z.number() }),
]);
export type RunEvent = z.infer<typeof RunEvent>;

/** A job as its agent runs it: the procedure (checked by the agent), its instruments, the events so far. */
export const AgentJob = z.strictObject({
  jobId: Id,
  /** The procedure's document; the agent adds metrology's cross-checks (Procedure). */
  procedure: ProcedureDocument,
  /** The procedure's equipment id → the agent's instrument id, for bench equipment. */
  binding: z.record(Id, Id),
  /** The run's events the server holds, in order. */
  events: z.array(RunEvent),
  /** The job was cancelled: the agent stops its run and forgets it. */
  cancelled: z.boolean().optional(),
});
export type AgentJob = z.infer<typeof AgentJob>;

/** An event of the bench, reported by the agent running the job. */
export const JobEventReport = z.strictObject({ jobId: Id, event: RunEvent });
export type JobEventReport = z.infer<typeof JobEventReport>;
