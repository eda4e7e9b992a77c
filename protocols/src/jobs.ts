import { z } from "zod";
import { Id } from "./ids";
import { PointResult } from "./point-results";
import { ProcedureDocument } from "./procedures";
import { Usability } from "./registry";
import { RunEvent } from "./run-events";

/** A new calibration job: a procedure, the agent whose bench runs it, who does and who supervises it. */
export const CreateJobRequest = z.strictObject({
  procedureId: Id,
  agentId: Id,
  /** The procedure's equipment id → the registry instrument that plays it. */
  binding: z.record(Id, Id),
  /** Usernames, both of the job's organisation. */
  technician: z.string().min(1).max(64),
  expert: z.string().min(1).max(64),
});
export type CreateJobRequest = z.infer<typeof CreateJobRequest>;

export const JobStatus = z.enum(["running", "held", "finished"]);
export type JobStatus = z.infer<typeof JobStatus>;

export const JobBinding = z.strictObject({
  instrumentId: Id,
  /** The instrument's id on the agent: the bench steps run on it; null for equipment handled by people. */
  agentInstrumentId: Id.nullable(),
});
export type JobBinding = z.infer<typeof JobBinding>;

/** A job's equipment ids, each bound to its registry instrument (as the jobs table stores it). */
export const JobBindings = z.record(Id, JobBinding);
export type JobBindings = z.infer<typeof JobBindings>;

/** The reference standards' validity when the job was created (as the jobs table stores it). */
export const JobStandards = z.array(Usability);

export const Job = z.strictObject({
  id: z.string(),
  organisationId: Id,
  procedureId: Id,
  title: z.strictObject({ zh: z.string(), en: z.string() }),
  mode: z.enum(["verification", "calibration"]),
  agentId: Id,
  binding: JobBindings,
  technicianId: z.string(),
  expertId: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
  /** The reference standards' validity when the job was created (due-soon ones are the warnings to show). */
  standards: JobStandards,
  status: JobStatus,
  /** Key of the step waiting (e.g. "dcv-10v/read"), null when finished. */
  next: z.string().nullable(),
  nextKind: z.string().nullable(),
  done: z.number().int(),
  steps: z.number().int(),
});
export type Job = z.infer<typeof Job>;

export const JobList = z.strictObject({ jobs: z.array(Job) });
export type JobList = z.infer<typeof JobList>;

/** What people send for a job's waiting step, or to hold and resume it. */
export const JobEventRequest = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("completed"), step: z.string().min(1), values: z.array(z.number().finite()).max(1000).default([]) }),
  z.strictObject({ kind: z.literal("approved"), step: z.string().min(1), comment: z.string().max(2000).optional() }),
  z.strictObject({ kind: z.literal("sent-back"), step: z.string().min(1), to: z.string().min(1), comment: z.string().min(1).max(2000) }),
  z.strictObject({ kind: z.literal("held"), comment: z.string().max(2000).optional() }),
  z.strictObject({ kind: z.literal("resumed") }),
]);
export type JobEventRequest = z.infer<typeof JobEventRequest>;

/**
 * POST /api/jobs/:id/conformity-decisions (an expert): the decision on a point whose result is
 * conditional (JJF 1094 待定, ILAC-G8 有条件合格/有条件不合格), which its certificate needs first:
 * accept the result as stated, or reject it, with the reason.
 */
export const ConformityDecisionRequest = z.strictObject({
  point: Id,
  decision: z.enum(["accept", "reject"]),
  comment: z.string().trim().min(1).max(2000),
});
export type ConformityDecisionRequest = z.infer<typeof ConformityDecisionRequest>;

/** A decision as the job's record keeps it: who (`user:<id>`), when, on which point and code. */
export const ConformityDecision = ConformityDecisionRequest.extend({
  code: z.enum(["conditional-pass", "conditional-fail", "undetermined"]),
  by: z.string(),
  at: z.number().int(),
});
export type ConformityDecision = z.infer<typeof ConformityDecision>;

/** A person named in a job (its technician, expert, creator, whoever answered a step). */
export const JobPerson = z.strictObject({ id: z.string(), username: z.string(), displayName: z.string(), role: z.string() });
export type JobPerson = z.infer<typeof JobPerson>;

/**
 * A job with everything a page needs to show its run: the procedure as the job keeps it (a
 * Procedure of metrology, checked there), the run's events, and the people by id.
 */
export const JobRun = z.strictObject({
  job: Job,
  procedure: ProcedureDocument,
  events: z.array(RunEvent),
  people: z.array(JobPerson),
  /** The experts' decisions on conditional points, in order (the latest per point holds). */
  conformityDecisions: z.array(ConformityDecision),
});
export type JobRun = z.infer<typeof JobRun>;

/**
 * GET /api/jobs/:id/results: every point's result (metrology's PointResult: means, error, budget, U,
 * k, decision) computed now from the job's raw records, and those records in log order.
 */
export const JobResults = z.strictObject({
  jobId: Id,
  finished: z.boolean(),
  points: z.array(PointResult),
  records: z.array(z.strictObject({ id: z.number().int(), hash: z.string(), stream: z.string(), kind: z.string() })),
});
export type JobResults = z.infer<typeof JobResults>;

/** A procedure as the catalogue lists it, for choosing one when a job starts. */
export const ProcedureSummary = z.strictObject({
  id: Id,
  title: z.strictObject({ zh: z.string(), en: z.string() }),
  mode: z.enum(["verification", "calibration"]),
  regulation: z.strictObject({ code: z.string(), title: z.string() }),
  quantity: z.string(),
  equipment: z.array(
    z.strictObject({ id: Id, role: z.string(), name: z.strictObject({ zh: z.string(), en: z.string() }), drivers: z.array(z.string()), traceable: z.boolean() }),
  ),
});
export type ProcedureSummary = z.infer<typeof ProcedureSummary>;
export const ProcedureList = z.strictObject({ procedures: z.array(ProcedureSummary) });
export type ProcedureList = z.infer<typeof ProcedureList>;
