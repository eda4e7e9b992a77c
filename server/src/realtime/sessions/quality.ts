import { type ConnectionQuality, type QualityReport, qualityOf, TelecalError, type UserInfo } from "@telecal/protocols";
import type { SessionContext, SessionOptions } from "./context";
import { sessionRoom } from "./registry";

/**
 * Connection quality of the people in a session, from the round trips their browsers report every
 * few seconds. Reports are frequent, so they are neither recorded nor counted against the session
 * event limit (a refusal is not recorded either, or reports could fill the log); instead a socket's
 * reports closer together than `qualityIntervalMs` are ignored, and the room is told only when a
 * person's class (good, fair, poor) changes.
 */
export class SessionQuality {
  /** When each socket's last report was taken, per job. */
  private readonly taken = new Map<string, Map<string, number>>();

  constructor(
    private readonly ctx: SessionContext,
    private readonly options: SessionOptions,
  ) {}

  /** Answers the reporter's quality as the others see it (an ignored report changes nothing). */
  async report(socketId: string, info: UserInfo, body: QualityReport, now = Date.now()): Promise<ConnectionQuality> {
    const job = await this.ctx.access.job(info, body.jobId);
    const session = this.ctx.registry.get(job.id);
    if (!session?.presence.has(socketId)) throw new TelecalError("TC_ERR_SESSION_NOT_JOINED", { job: job.id, what: "reporting connection quality" });
    const quality = qualityOf(body.rttMs);
    const jobs = this.taken.get(socketId) ?? new Map<string, number>();
    const last = jobs.get(job.id);
    if (last !== undefined && now - last < this.options.qualityIntervalMs) return session.presence.qualityOf(socketId) ?? quality;
    jobs.set(job.id, now);
    this.taken.set(socketId, jobs);
    if (session.presence.report(socketId, quality)) {
      this.ctx.broadcast(sessionRoom(job.id), "session:presence", { jobId: job.id, participants: await this.ctx.roster.participants(session) });
    }
    return quality;
  }

  /** A socket left a session (`jobId`) or went away (all of them). */
  forget(socketId: string, jobId?: string): void {
    if (jobId === undefined) this.taken.delete(socketId);
    else this.taken.get(socketId)?.delete(jobId);
  }
}
