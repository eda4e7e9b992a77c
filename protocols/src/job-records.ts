import { z } from "zod";
import { ErrorBody } from "./errors";
import { Id } from "./ids";
import { ConformityDecision, JobBindings, JobStandards } from "./jobs";
import { PointResult } from "./point-results";
import { ProcedureDocument } from "./procedures";
import { RunEvent } from "./run-events";

/**
 * The payloads of a job's stream in the record log (job/<id>): kinds procedure-event, approval and
 * manual-entry. Read by the server (a job's run, its evidence) and by `telecal cert verify`.
 */

/** The first record: the job's row as created, with its procedure, binding and standards as data. */
export const JobCreatedPayload = z.strictObject({
  event: z.literal("job-created"),
  // Not strict: a column added to the jobs table later is carried along, and not read back.
  job: z.object({
    id: z.string(),
    organisation_id: Id,
    procedure_id: Id,
    procedure: ProcedureDocument,
    agent_id: Id,
    binding: JobBindings,
    standards: JobStandards,
    technician_id: z.string(),
    expert_id: z.string(),
    created_by: z.string(),
    created_at: z.number(),
  }),
});
export type JobCreatedPayload = z.infer<typeof JobCreatedPayload>;

/** One event of the run, in the order the server took it. */
export const RunRecordPayload = z.strictObject({ event: z.literal("run"), run: RunEvent });

/** The results as computed when the run ended, or why they could not be. */
export const ResultsRecordPayload = z.union([
  z.strictObject({ event: z.literal("results"), points: z.array(PointResult) }),
  z.strictObject({ event: z.literal("results"), error: ErrorBody }),
]);

/** An expert's decision on a conditional point (kind approval). */
export const ConformityDecisionPayload = z.strictObject({ event: z.literal("conformity-decision"), decision: ConformityDecision });

export const JobRecordPayload = z.union([JobCreatedPayload, RunRecordPayload, ResultsRecordPayload, ConformityDecisionPayload]);
export type JobRecordPayload = z.infer<typeof JobRecordPayload>;
