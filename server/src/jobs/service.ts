import { randomUUID } from "node:crypto";
import { planOf, type Procedure, type RunEvent, type RunState, runState } from "@telecal/metrology";
import {
  canonicalJson,
  type AgentJob,
  type BindingCandidates,
  type ConformityDecision,
  type ConformityDecisionRequest,
  type CreateJobRequest,
  type EditJobRequest,
  type Job,
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
import { RegistryRepository } from "../registry/repository";
import type { RegistryService } from "../registry/service";
import type { DialectName } from "../store/db";
import type { Schema } from "../store/schema";
import { bindingCandidates } from "./binding";
import { assertMayChange, cancelJob, editJob } from "./changes";
import { conformityDecisions, recordConformityDecision } from "./conformity-decisions";
import { jobDetails } from "./details";
import { environmentCheck } from "./environment-check";
import { type JobEvidence, jobEvidence } from "./evidence";
import { agentEventCheck, peopleEvent } from "./permissions";
import { JobRepository } from "./repository";
import { appendRunEvent, jobHistory, runEvents } from "./run-records";
import type { JobsTable } from "./schema";
import { checkSetup } from "./setup";
import { agentJobView, jobView, type LoadedJob, loadJob } from "./views";

/** How long a finished job stays in its agent's list. */
const FINISHED_LISTED_MS = 86_400_000;

/**
 * Calibration jobs. Creating one checks the procedure, the binding of its equipment to registry
 * instruments of the agent's bench, the validity of its reference standards and its people. A
 * job's run is its events in the record log: each event is checked against the run's state and
 * appended under the log's lock, so two people answering at once cannot both take the same step.
 */
export class JobService {
  private readonly listeners = new Set<(agentId: string, jobId: string) => void>();
  private readonly jobs: JobRepository;

  constructor(
    readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
    readonly registry: RegistryService,
    readonly users: AuthRepository,
    private readonly procedures: () => Map<string, Procedure>,
  ) {
    this.jobs = new JobRepository(db, dialect);
  }

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
    const rows = await this.jobs.agentJobs(agentId);
    const jobs: AgentJob[] = [];
    for (const row of rows) {
      const history = await jobHistory(this.db, row.id);
      const { job, finishedAt } = agentJobView(loadJob(row), history.events, history.cancelled?.at ?? null);
      if (finishedAt !== null && finishedAt < now - FINISHED_LISTED_MS) continue;
      jobs.push(job);
    }
    return jobs;
  }

  /** One job as its agent runs it (sent when that job changes); null for an unknown id. */
  async agentJob(id: string): Promise<AgentJob | null> {
    const row = await this.jobs.job(id);
    if (!row) return null;
    const history = await jobHistory(this.db, row.id);
    return agentJobView(loadJob(row), history.events, history.cancelled?.at ?? null).job;
  }

  async create(user: UserInfo, body: CreateJobRequest, now = Date.now()): Promise<Job> {
    const procedure = getProcedure(this.procedures(), body.procedureId);
    const repo = new RegistryRepository(this.db);
    const visible = new Set(await repo.visibleOrganisations(user.organisation.id));
    const agentOrganisation = await this.agentOrganisation(user, body.agentId);
    const { binding, standards, technician, expert } = await checkSetup(this, procedure, agentOrganisation, visible, body, now);
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
    await this.jobs.insert(row, { event: "job-created", job: { ...row, procedure: procedure, binding, standards } }, now);
    this.changed(row.agent_id, row.id);
    return this.summary({ row, procedure, plan: planOf(procedure) });
  }

  /**
   * Before its run begins, a job's binding and people may change, checked as at creation; the
   * agent is told, and runs the job on its new binding.
   */
  async edit(user: UserInfo, id: string, body: EditJobRequest, now = Date.now()): Promise<Job> {
    const job = await this.visible(user, id);
    assertMayChange(user, job, "edit the job");
    const visible = new Set(await new RegistryRepository(this.db).visibleOrganisations(user.organisation.id));
    const current = (await this.summary(job)).binding;
    const people = async (userId: string) => (await this.users.user(userId))?.username ?? "";
    const request = {
      agentId: job.row.agent_id,
      binding: body.binding ?? Object.fromEntries(Object.entries(current).map(([e, b]) => [e, b.instrumentId])),
      technician: body.technician ?? (await people(job.row.technician_id)),
      expert: body.expert ?? (await people(job.row.expert_id)),
    };
    const setup = await checkSetup(this, job.procedure, job.row.organisation_id, visible, request, now);
    await editJob(this.db, this.dialect, user, job, setup, body, now);
    this.changed(job.row.agent_id, id);
    return this.get(user, id);
  }

  /** Cancels a job that has not finished, with who and why in the record log; its agent stops the run. */
  async cancel(user: UserInfo, id: string, reason: string, now = Date.now()): Promise<Job> {
    const job = await this.visible(user, id);
    assertMayChange(user, job, "cancel the job");
    await cancelJob(this.db, this.dialect, user, job, reason, now);
    this.changed(job.row.agent_id, id);
    return this.get(user, id);
  }

  /** The newest unfinished job of this agent on this procedure: what a lesson's bench demonstrates (the lesson checks who asks). */
  async demonstration(agentId: string, procedureId: string): Promise<{ job: Job; procedure: Procedure } | null> {
    const rows = (await this.jobs.agentJobs(agentId)).filter((r) => r.procedure_id === procedureId).reverse();
    for (const row of rows) {
      const loaded = loadJob(row);
      const job = await this.summary(loaded);
      if (job.status !== "finished") return { job, procedure: loaded.procedure };
    }
    return null;
  }

  async list(user: UserInfo): Promise<Job[]> {
    const visible = await new RegistryRepository(this.db).visibleOrganisations(user.organisation.id);
    const rows = await this.jobs.organisationJobs(visible);
    return Promise.all(rows.map(async (row) => this.summary(loadJob(row))));
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

  /** Which instruments of the agent's organisation fit each equipment of the procedure on that agent's bench. */
  async candidates(user: UserInfo, procedureId: string, agentId: string): Promise<BindingCandidates> {
    const procedure = getProcedure(this.procedures(), procedureId);
    const organisation = await this.agentOrganisation(user, agentId);
    return { procedureId, agentId, candidates: await bindingCandidates(this.db, procedure, agentId, organisation) };
  }

  /** The job with its procedure, its run's events and the people they name. */
  async run(user: UserInfo, id: string): Promise<JobRun> {
    const job = await this.visible(user, id);
    const history = await jobHistory(this.db, id);
    const events = history.events;
    const ids = new Set([job.row.technician_id, job.row.expert_id, job.row.created_by.replace(/^user:/, "")]);
    for (const by of [...events.map((e) => e.by), history.cancelled?.by ?? ""]) if (by.startsWith("user:")) ids.add(by.slice("user:".length));
    const decisions = await conformityDecisions(this.db, id);
    for (const d of decisions) ids.add(d.by.replace(/^user:/, ""));
    const people: JobPerson[] = [];
    for (const personId of ids) {
      const person = await this.users.user(personId);
      if (person) people.push({ id: person.id, username: person.username, displayName: person.displayName, role: person.role });
    }
    return { job: jobView(job, runState(job.plan, events), await jobDetails(this.db, this.users, job, history)), procedure: job.procedure, events, people, conformityDecisions: decisions };
  }

  /**
   * The job's results computed now from its raw records (the run's events, each reading checked
   * against the batch the agent signed), and those records.
   */
  async evidence(user: UserInfo, id: string): Promise<JobEvidence> {
    await this.visible(user, id);
    return jobEvidence(this.db, id);
  }

  /**
   * An expert's decision on a conditional point (待定) of a finished job the expert can see: kept
   * in the job's record, and needed before its certificate is issued.
   */
  async decideConformity(user: UserInfo, id: string, body: ConformityDecisionRequest, now = Date.now()): Promise<ConformityDecision> {
    const job = await this.visible(user, id);
    const decision = await recordConformityDecision(this.db, this.dialect, job, user, body, now);
    this.changed(job.row.agent_id, job.row.id);
    return decision;
  }

  /** The run's events so far, in order. */
  async events(user: UserInfo, id: string): Promise<RunEvent[]> {
    await this.visible(user, id);
    return runEvents(this.db, id);
  }

  /** An event from people (the web): who may send which is checked here, then the run's order. */
  async addPeopleEvent(user: UserInfo, id: string, body: JobEventRequest, now = Date.now()): Promise<Job> {
    const job = await this.visible(user, id);
    const { event, check } = peopleEvent(user, job.row, body, now);
    const inLimits = environmentCheck(job.procedure, event);
    return this.append(job, event, (state) => {
      check(state);
      inLimits(state);
    });
  }

  /**
   * An event of the bench, reported by the job's agent. A report the log holds already (resent
   * after a lost ack) is taken as done, not appended twice.
   */
  async addAgentEvent(agentId: string, id: string, event: RunEvent): Promise<Job> {
    const row = await this.jobs.job(id);
    if (!row || row.agent_id !== agentId) throw new TelecalError("TC_ERR_JOB_NOT_FOUND", { job: id });
    const job = loadJob(row);
    const reported: RunEvent = { ...event, by: `agent:${agentId}` };
    const held = await runEvents(this.db, id);
    if (held.some((e) => canonicalJson(e) === canonicalJson(reported))) return this.summary(job);
    return this.append(job, reported, agentEventCheck(agentId, id, event));
  }

  private async append(job: LoadedJob, event: RunEvent, check: (state: RunState) => void): Promise<Job> {
    await appendRunEvent(this.db, this.dialect, job, event, check);
    this.changed(job.row.agent_id, job.row.id);
    return this.summary(job);
  }

  private changed(agentId: string, jobId: string): void {
    for (const listener of this.listeners) listener(agentId, jobId);
  }

  private async summary(job: LoadedJob): Promise<Job> {
    const history = await jobHistory(this.db, job.row.id);
    return jobView(job, runState(job.plan, history.events), await jobDetails(this.db, this.users, job, history));
  }

  /** The organisation of an agent the user may see; TC_ERR_REGISTRY_NOT_FOUND otherwise. */
  private async agentOrganisation(user: UserInfo, agentId: string): Promise<string> {
    const repo = new RegistryRepository(this.db);
    const visible = await repo.visibleOrganisations(user.organisation.id);
    const organisation = await repo.agentOrganisation(agentId);
    if (organisation === null || organisation === undefined || !visible.includes(organisation)) throw new TelecalError("TC_ERR_REGISTRY_NOT_FOUND", { kind: "agent", id: agentId });
    return organisation;
  }

  private async visible(user: UserInfo, id: string): Promise<LoadedJob> {
    const row = await this.jobs.job(id);
    const visible = await new RegistryRepository(this.db).visibleOrganisations(user.organisation.id);
    if (!row || !visible.includes(row.organisation_id)) throw new TelecalError("TC_ERR_JOB_NOT_FOUND", { job: id });
    return loadJob(row);
  }
}
