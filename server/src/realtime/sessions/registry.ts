import type { SessionJob } from "./access";
import { Presence } from "./presence";

/** The socket.io room of a job's live session on /ui. */
export function sessionRoom(jobId: string): string {
  return `session:${jobId}`;
}

/** One live session: its job and who is in it. Everything else of it is in the store. */
export interface LiveSession {
  job: SessionJob;
  presence: Presence;
}

/**
 * The live sessions of this server process, one per job, opened by the first join and dropped when
 * the last person has left (people who only dropped keep it open for their return).
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, LiveSession>();

  open(job: SessionJob): LiveSession {
    let session = this.sessions.get(job.id);
    if (!session) {
      session = { job, presence: new Presence() };
      this.sessions.set(job.id, session);
    }
    return session;
  }

  /** A session object for the job that is not kept: for refusing someone outside a session. */
  transient(job: SessionJob): LiveSession {
    return { job, presence: new Presence() };
  }

  get(jobId: string): LiveSession | undefined {
    return this.sessions.get(jobId);
  }

  /** Sessions a socket is in, for its disconnect. */
  ofSocket(socketId: string): LiveSession[] {
    return [...this.sessions.values()].filter((s) => s.presence.has(socketId));
  }

  /** The rooms of the open sessions of an agent's jobs: they see its live values. */
  roomsOfAgent(agentId: string): string[] {
    return [...this.sessions.values()].filter((s) => s.job.agentId === agentId).map((s) => sessionRoom(s.job.id));
  }

  /** Forgets a session nobody is listed in any more. */
  closeIfEmpty(session: LiveSession): void {
    if (session.presence.list().length === 0) this.sessions.delete(session.job.id);
  }
}
