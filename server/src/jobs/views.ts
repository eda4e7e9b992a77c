import { planOf, type PlannedStep, type Procedure, Procedure as ProcedureSchema, type RunEvent, type RunState, runState } from "@telecal/metrology";
import { type AgentJob, type Job, JobBindings, JobStandards, parseJson } from "@telecal/protocols";
import type { JobsTable } from "./schema";

/** A stored job with the procedure it was created with, parsed, and the plan of steps that procedure makes. */
export interface LoadedJob {
  row: JobsTable;
  procedure: Procedure;
  plan: PlannedStep[];
}

export function loadJob(row: JobsTable): LoadedJob {
  const procedure = ProcedureSchema.parse(JSON.parse(row.procedure));
  return { row, procedure, plan: planOf(procedure) };
}

/** What the job's view shows beside its row and run: its cancellation, when it began, its item and technician. */
export interface JobDetails {
  cancelled: Job["cancelled"];
  startedAt: number | null;
  item: Job["item"];
  technician: Job["technician"];
}

/** The job as the API shows it, at a state of its run. */
export function jobView(job: LoadedJob, state: RunState, details: JobDetails): Job {
  const done = job.plan.length === 0 ? 0 : state.finished ? job.plan.length : state.next!.index;
  return {
    id: job.row.id,
    organisationId: job.row.organisation_id,
    procedureId: job.row.procedure_id,
    title: job.procedure.title,
    mode: job.procedure.mode,
    agentId: job.row.agent_id,
    binding: parseJson(JobBindings, job.row.binding, `binding of job ${job.row.id}`, "TC_ERR_STORED_INVALID"),
    technicianId: job.row.technician_id,
    expertId: job.row.expert_id,
    createdBy: job.row.created_by,
    createdAt: job.row.created_at,
    standards: parseJson(JobStandards, job.row.standards, `standards of job ${job.row.id}`, "TC_ERR_STORED_INVALID"),
    status: details.cancelled ? "cancelled" : state.finished ? "finished" : state.held ? "held" : "running",
    ...details,
    next: state.next?.key ?? null,
    nextKind: state.next?.step.kind ?? null,
    done,
    steps: job.plan.length,
  };
}

/**
 * The job as its agent runs it (only the equipment on its bench is bound for it), with the run's
 * events, and when the run finished: the time of its last event (or of its cancellation), null while it runs.
 */
export function agentJobView(job: LoadedJob, events: RunEvent[], cancelledAt: number | null = null): { job: AgentJob; finishedAt: number | null } {
  const binding = parseJson(JobBindings, job.row.binding, `binding of job ${job.row.id}`, "TC_ERR_STORED_INVALID");
  return {
    job: {
      jobId: job.row.id,
      procedure: job.procedure,
      binding: Object.fromEntries(Object.entries(binding).flatMap(([e, b]) => (b.agentInstrumentId === null ? [] : [[e, b.agentInstrumentId]]))),
      events,
      ...(cancelledAt !== null ? { cancelled: true } : {}),
    },
    finishedAt: cancelledAt ?? (runState(job.plan, events).finished ? (events.at(-1)?.at ?? 0) : null),
  };
}
