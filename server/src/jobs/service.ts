import { randomUUID } from "node:crypto";
import {
  applyRunEvent,
  isBenchStep,
  planOf,
  type PlannedStep,
  type Procedure,
  Procedure as ProcedureSchema,
  type RunEvent,
  type RunState,
  runResults,
  runState,
} from "@telecal/metrology";
import {
  canonicalJson,
  type AgentJob,
  type CreateJobRequest,
  type Job,
  JobBindings,
  JobStandards,
  parseJson,
  type JobEventRequest,
  type JobPerson,
  type JobRun,
  type ProcedureSummary,
  TelecalError,
  type UserInfo,
} from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { AuthRepository } from "../auth/auth-repository";
import { getProcedure } from "../procedures/catalog";
import { appendRecord, lockLog } from "../records/log";
import { recordsDb } from "../records/schema";
import { RegistryRepository } from "../registry/repository";
import type { RegistryService } from "../registry/service";
import type { DialectName } from "../store/db";
import type { Schema } from "../store/schema";
import { type JobEvidence, jobEvidence } from "./evidence";
import type { JobsTable } from "./schema";
import { bindEquipment, jobPerson } from "./binding";
import { recordKind, runEvents } from "./run-records";
import { jobStream } from "./stream";

export { jobStream } from "./stream";

/** How long a finished job stays in its agent's list. */
const FINISHED_LISTED_MS = 86_400_000;

interface LoadedJob {
  row: JobsTable;
  procedure: Procedure;
  plan: PlannedStep[];
}

/**
 * Calibration jobs. Creating one checks the procedure, the binding of its equipment to registry
 * instruments of the agent's bench, the validity of its reference standards and its people. A
 * job's run is its events in the record log: each event is checked against the run's state and
 * appended under the log's lock, so two people answering at once cannot both take the same step.
 */
export class JobService {
  private readonly listeners = new Set<(agentId: string, jobId: string) => void>();

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
    private readonly registry: RegistryService,
    private readonly users: AuthRepository,
    private readonly procedures: () => Map<string, Procedure>,
  ) {}

  /** Called after a job is created or its run moves on: its agent is told. */
  onChange(listener: (agentId: string, jobId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The agent's jobs as it runs them, with the events the server holds: the unfinished ones, and
   * those finished within a day, so that an agent away when a job's last step was answered still
   * hears of it and closes its journal.
   */
  async agentJobs(agentId: string, now = Date.now()): Promise<AgentJob[]> {
    const rows = await this.db.selectFrom("jobs").selectAll().where("agent_id", "=", agentId).orderBy("created_at").execute();
    const jobs: AgentJob[] = [];
    for (const row of rows) {
      const { job, finishedAt } = await this.asAgentJob(row);
      if (finishedAt !== null && finishedAt < now - FINISHED_LISTED_MS) continue;
      jobs.push(job);
    }
    return jobs;
  }

  /** One job as its agent runs it (sent when that job changes); null for an unknown id. */
  async agentJob(id: string): Promise<AgentJob | null> {
    const row = await this.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? (await this.asAgentJob(row)).job : null;
  }

  private async asAgentJob(row: JobsTable): Promise<{ job: AgentJob; finishedAt: number | null }> {
    const job = this.load(row);
    const events = await runEvents(this.db, row.id);
    const binding = parseJson(JobBindings, row.binding, `binding of job ${row.id}`, "TC_ERR_STORED_INVALID");
    return {
      job: {
        jobId: row.id,
        procedure: job.procedure,
        binding: Object.fromEntries(Object.entries(binding).flatMap(([e, b]) => (b.agentInstrumentId === null ? [] : [[e, b.agentInstrumentId]]))),
        events,
      },
      finishedAt: runState(job.plan, events).finished ? (events.at(-1)?.at ?? 0) : null,
    };
  }

  async create(user: UserInfo, body: CreateJobRequest, now = Date.now()): Promise<Job> {
    const procedure = getProcedure(this.procedures(), body.procedureId);
    const repo = new RegistryRepository(this.db);
    const visible = new Set(await repo.visibleOrganisations(user.organisation.id));
    const agentOrganisation = await repo.agentOrganisation(body.agentId);
    if (agentOrganisation === null || agentOrganisation === undefined || !visible.has(agentOrganisation)) {
      throw new TelecalError("TC_ERR_REGISTRY_NOT_FOUND", { kind: "agent", id: body.agentId });
    }
    const binding = await bindEquipment(this.db, procedure, body, agentOrganisation, visible);
    const traceable = procedure.equipment.filter((e) => e.traceable).map((e) => binding[e.id]!.instrumentId);
    const standards = await this.registry.assertUsableForJob(traceable, now);
    const technician = await jobPerson(this.users, "technician", body.technician, ["technician"], [agentOrganisation]);
    const supervising = await repo.parentOf(agentOrganisation);
    const expert = await jobPerson(this.users, "expert", body.expert, ["expert"], supervising ? [agentOrganisation, supervising] : [agentOrganisation]);
    const row: JobsTable = {
      id: randomUUID(),
      organisation_id: agentOrganisation,
      procedure_id: procedure.id,
      procedure: canonicalJson(procedure),
      agent_id: body.agentId,
      binding: canonicalJson(binding),
      standards: canonicalJson(standards),
      technician_id: technician.id,
      expert_id: expert.id,
      created_by: `user:${user.id}`,
      created_at: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto("jobs").values(row).execute();
      const payload = { event: "job-created", job: { ...row, procedure: procedure, binding, standards } };
      await appendRecord(recordsDb(trx), this.dialect, { kind: "procedure-event", stream: jobStream(row.id), actor: row.created_by, payload }, now);
    });
    this.changed(row.agent_id, row.id);
    return this.toJob({ row, procedure, plan: planOf(procedure) }, runState(planOf(procedure), []));
  }

  async list(user: UserInfo): Promise<Job[]> {
    const visible = await new RegistryRepository(this.db).visibleOrganisations(user.organisation.id);
    const rows = await this.db.selectFrom("jobs").selectAll().where("organisation_id", "in", visible).orderBy("created_at", "desc").execute();
    return Promise.all(rows.map(async (row) => this.summary(this.load(row))));
  }

  async get(user: UserInfo, id: string): Promise<Job> {
    return this.summary(await this.visible(user, id));
  }

  /** The procedures a job can follow, as the catalogue holds them now. */
  procedureList(): ProcedureSummary[] {
    return [...this.procedures().values()].map((p) => ({
      id: p.id,
      title: p.title,
      mode: p.mode,
      regulation: p.regulation,
      quantity: p.quantity,
      equipment: p.equipment.map((e) => ({ id: e.id, role: e.role, name: e.name, drivers: e.drivers, traceable: e.traceable })),
    }));
  }

  /** The job with its procedure, its run's events and the people they name. */
  async run(user: UserInfo, id: string): Promise<JobRun> {
    const job = await this.visible(user, id);
    const events = await runEvents(this.db, id);
    const ids = new Set([job.row.technician_id, job.row.expert_id, job.row.created_by.replace(/^user:/, "")]);
    for (const e of events) if (e.by.startsWith("user:")) ids.add(e.by.slice("user:".length));
    const people: JobPerson[] = [];
    for (const personId of ids) {
      const person = await this.users.user(personId);
      if (person) people.push({ id: person.id, username: person.username, displayName: person.displayName, role: person.role });
    }
    return { job: this.toJob(job, runState(job.plan, events)), procedure: job.procedure, events, people };
  }

  /**
   * The job's results computed now from its raw records (the run's events, each reading checked
   * against the batch the agent signed), and those records.
   */
  async evidence(user: UserInfo, id: string): Promise<JobEvidence> {
    await this.visible(user, id);
    return jobEvidence(this.db, id);
  }

  /** The run's events so far, in order. */
  async events(user: UserInfo, id: string): Promise<RunEvent[]> {
    await this.visible(user, id);
    return runEvents(this.db, id);
  }

  /** An event from people (the web): who may send which is checked here, then the run's order. */
  async addPeopleEvent(user: UserInfo, id: string, body: JobEventRequest, now = Date.now()): Promise<Job> {
    const job = await this.visible(user, id);
    const actor = `user:${user.id}`;
    const forbid = (what: string) => new TelecalError("TC_ERR_JOB_FORBIDDEN", { who: `${user.role} ${user.username}`, what, job: id });
    let event: RunEvent;
    if (body.kind === "held" || body.kind === "resumed") {
      if (user.id !== job.row.expert_id) throw forbid(body.kind === "held" ? "hold the run" : "resume the run");
      event = body.kind === "held" ? { kind: "held", by: actor, at: now, ...(body.comment ? { comment: body.comment } : {}) } : { kind: "resumed", by: actor, at: now };
    } else if (body.kind === "completed") {
      if (user.id !== job.row.technician_id) throw forbid(`complete step ${body.step}`);
      event = { kind: "completed", step: body.step, values: body.values, by: actor, at: now };
    } else {
      if (user.id !== job.row.expert_id) throw forbid(`${body.kind === "approved" ? "approve" : "send back"} step ${body.step}`);
      event = body.kind === "approved"
        ? { kind: "approved", step: body.step, by: actor, at: now, ...(body.comment ? { comment: body.comment } : {}) }
        : { kind: "sent-back", step: body.step, to: body.to, comment: body.comment, by: actor, at: now };
    }
    return this.append(job, event, (state) => {
      // People end people's steps only: a reading is the bench's to report.
      if (event.kind === "completed" && state.next && isBenchStep(state.next.step) && state.next.key === event.step) {
        throw forbid(`complete the bench step ${event.step} (the agent reports it)`);
      }
    });
  }

  /**
   * An event of the bench, reported by the job's agent. A report the log holds already (resent
   * after a lost ack) is taken as done, not appended twice.
   */
  async addAgentEvent(agentId: string, id: string, event: RunEvent): Promise<Job> {
    const row = await this.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row || row.agent_id !== agentId) throw new TelecalError("TC_ERR_JOB_NOT_FOUND", { job: id });
    const job = this.load(row);
    const reported: RunEvent = { ...event, by: `agent:${agentId}` };
    const held = await runEvents(this.db, id);
    if (held.some((e) => canonicalJson(e) === canonicalJson(reported))) return this.toJob(job, runState(job.plan, held));
    return this.append(job, reported, (state) => {
      // The bench holds the run when one of its steps fails for good (the reason in the comment).
      if (event.kind === "held") return;
      if (event.kind !== "completed" || (state.next && !isBenchStep(state.next.step))) {
        throw new TelecalError("TC_ERR_JOB_FORBIDDEN", { who: `agent ${agentId}`, what: `report ${event.kind} for a step people end`, job: id });
      }
    });
  }

  private async append(job: LoadedJob, event: RunEvent, check: (state: RunState) => void): Promise<Job> {
    const state = await this.db.transaction().execute(async (trx) => {
      await lockLog(recordsDb(trx), this.dialect);
      const events = await runEvents(trx, job.row.id);
      const before = runState(job.plan, events);
      check(before);
      const after = applyRunEvent(job.plan, before, event);
      await appendRecord(recordsDb(trx), this.dialect, { kind: recordKind(before, event), stream: jobStream(job.row.id), actor: event.by, payload: { event: "run", run: event } }, event.at);
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
        await appendRecord(recordsDb(trx), this.dialect, { kind: "procedure-event", stream: jobStream(job.row.id), actor: "server", payload }, event.at);
      }
      return after;
    });
    this.changed(job.row.agent_id, job.row.id);
    return this.toJob(job, state);
  }

  private changed(agentId: string, jobId: string): void {
    for (const listener of this.listeners) listener(agentId, jobId);
  }

  private async summary(job: LoadedJob): Promise<Job> {
    const events = await runEvents(this.db, job.row.id);
    return this.toJob(job, runState(job.plan, events));
  }

  private async visible(user: UserInfo, id: string): Promise<LoadedJob> {
    const row = await this.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
    const visible = await new RegistryRepository(this.db).visibleOrganisations(user.organisation.id);
    if (!row || !visible.includes(row.organisation_id)) throw new TelecalError("TC_ERR_JOB_NOT_FOUND", { job: id });
    return this.load(row);
  }

  private load(row: JobsTable): LoadedJob {
    const procedure = ProcedureSchema.parse(JSON.parse(row.procedure));
    return { row, procedure, plan: planOf(procedure) };
  }

  private toJob(job: LoadedJob, state: RunState): Job {
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
      status: state.finished ? "finished" : state.held ? "held" : "running",
      next: state.next?.key ?? null,
      nextKind: state.next?.step.kind ?? null,
      done,
      steps: job.plan.length,
    };
  }
}
