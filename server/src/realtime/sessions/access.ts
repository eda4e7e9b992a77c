import { outputEnvelope, Procedure } from "@telecal/metrology";
import { JobBindings, parseJson, type SessionInstrument, type SessionUser, TelecalError, type UserInfo } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { RegistryRepository } from "../../registry/repository";
import type { Schema } from "../../store/schema";


/** What a session needs of its job; a job never changes these after it is created. */
export interface SessionJob {
  id: string;
  organisationId: string;
  agentId: string;
  technicianId: string;
  expertId: string;
  /** The bench's instruments: equipment bound to an instrument of the agent, with its output envelope. */
  instruments: SessionInstrument[];
}

export function sessionUser(user: UserInfo): SessionUser {
  return { userId: user.id, username: user.username, displayName: user.displayName, role: user.role, organisationId: user.organisation.id };
}

/** "user:<id>": how the record log names a person. */
export function actorOf(user: SessionUser): string {
  return `user:${user.userId}`;
}

/**
 * Who may see a session and who may hand out control. Asked at every event, not only at join: a
 * job's organisation is checked against the user's organisation as it is now.
 */
export class SessionAccess {
  private readonly jobs = new Map<string, SessionJob>();

  constructor(private readonly db: Kysely<Schema>) {}

  /** The job, if the user's organisation may see it (its own, or a station it supervises). */
  async job(user: UserInfo, jobId: string): Promise<SessionJob> {
    const job = await this.load(jobId);
    const visible = await new RegistryRepository(this.db).visibleOrganisations(user.organisation.id);
    if (!job || !visible.includes(job.organisationId)) throw new TelecalError("TC_ERR_JOB_NOT_FOUND", { job: jobId });
    return job;
  }

  /** Grants and revokes: the job's technician at the bench, or an admin of the lab's organisation. */
  mayGrant(user: SessionUser, job: SessionJob): boolean {
    return user.userId === job.technicianId || (user.role === "admin" && user.organisationId === job.organisationId);
  }

  instrument(job: SessionJob, instrumentId: string): SessionInstrument {
    const found = job.instruments.find((i) => i.instrumentId === instrumentId);
    if (!found) throw new TelecalError("TC_ERR_SESSION_UNKNOWN_INSTRUMENT", { instrument: instrumentId, job: job.id });
    return found;
  }

  private async load(jobId: string): Promise<SessionJob | undefined> {
    const cached = this.jobs.get(jobId);
    if (cached) return cached;
    const row = await this.db
      .selectFrom("jobs")
      .select(["id", "organisation_id", "agent_id", "technician_id", "expert_id", "binding", "procedure"])
      .where("id", "=", jobId)
      .executeTakeFirst();
    if (!row) return undefined;
    const binding = parseJson(JobBindings, row.binding, `binding of job ${row.id}`, "TC_ERR_STORED_INVALID");
    // The procedure as it was when the job was created: the envelope never moves under a session.
    const procedure = Procedure.parse(JSON.parse(row.procedure));
    const job: SessionJob = {
      id: row.id,
      organisationId: row.organisation_id,
      agentId: row.agent_id,
      technicianId: row.technician_id,
      expertId: row.expert_id,
      instruments: Object.entries(binding).flatMap(([equipment, b]) =>
        b.agentInstrumentId === null
          ? []
          : [{ instrumentId: b.instrumentId, equipment, agentId: row.agent_id, agentInstrumentId: b.agentInstrumentId, envelope: outputEnvelope(procedure, equipment) }],
      ),
    };
    this.jobs.set(jobId, job);
    return job;
  }
}
