import { type ChatMessage, type ChatSend, type SessionRecord, type SessionState, type SessionUser, TelecalError, type UserInfo } from "@telecal/protocols";
import { RateLimiter } from "../../auth/rate-limit";
import type { SessionAnnotations } from "./annotations";
import { chatMessage } from "./chat";
import type { SessionContext, SessionOptions } from "./context";
import type { SessionControl } from "./control";
import type { PresenceChange } from "./presence";
import type { SessionQuality } from "./quality";
import { type LiveSession, sessionRoom } from "./registry";

/**
 * Live sessions: join and leave with presence, the state a joiner gets at once, chat, and replay.
 * Control of the bench (leases, commands) is `control`, marks on videos and charts `annotations`,
 * connection quality `quality`.
 */
export class SessionService {
  private readonly chatLimit: RateLimiter;

  constructor(
    private readonly ctx: SessionContext,
    readonly control: SessionControl,
    readonly annotations: SessionAnnotations,
    readonly quality: SessionQuality,
    private readonly options: SessionOptions,
  ) {
    this.chatLimit = new RateLimiter(options.chatLimit.max, options.chatLimit.windowMs);
  }

  /** The rooms of the open sessions of an agent's jobs: they see its live values too. */
  liveRooms(agentId: string): string[] {
    return this.ctx.registry.roomsOfAgent(agentId);
  }

  /** Joins the socket to the job's session (`enter` puts it in the room) and answers the whole state. */
  async join(socketId: string, info: UserInfo, jobId: string, enter: () => void | Promise<void>): Promise<SessionState> {
    const { job, user } = await this.ctx.admit(info, jobId);
    await enter();
    const session = this.ctx.registry.open(job);
    await this.presenceChanged(session, session.presence.add(socketId, user));
    return this.state(session, user);
  }

  async leave(socketId: string, info: UserInfo, jobId: string): Promise<void> {
    await this.ctx.admit(info, jobId);
    const session = this.ctx.registry.get(jobId);
    if (!session?.presence.has(socketId)) throw new TelecalError("TC_ERR_SESSION_NOT_JOINED", { job: jobId, what: "leaving it" });
    await this.presenceChanged(session, session.presence.remove(socketId, false));
    this.quality.forget(socketId, jobId);
  }

  /** A socket went away: it drops out of every session it was in. */
  async disconnected(socketId: string): Promise<void> {
    this.quality.forget(socketId);
    for (const session of this.ctx.registry.ofSocket(socketId)) {
      await this.presenceChanged(session, session.presence.remove(socketId, true));
    }
  }

  async chat(socketId: string, info: UserInfo, body: ChatSend): Promise<ChatMessage> {
    const limit = { limiter: this.chatLimit, what: "chat messages" };
    return this.ctx.act(socketId, info, body.jobId, "chat", body, limit, async (session, user) => {
      const record = await this.ctx.record(session, user, { event: "chat", user, text: body.text });
      const message = chatMessage(session.job.id, record);
      this.ctx.broadcast(sessionRoom(session.job.id), "session:chat", message);
      return message;
    });
  }

  /**
   * The job's run changed (a step, a hold, an approval): its session is told to fetch the run again.
   * Sent to the room through the adapter, so people connected to other server processes hear it too.
   */
  runChanged(jobId: string): void {
    this.ctx.broadcast(sessionRoom(jobId), "session:run", { jobId });
  }

  /** GET /api/sessions/:jobId/events: the session's records for replay, after the organisation check. */
  async events(info: UserInfo, jobId: string, afterSeq: number, limit: number): Promise<SessionRecord[]> {
    await this.ctx.access.job(info, jobId);
    return this.ctx.journal.page(jobId, afterSeq, limit);
  }

  private async state(session: LiveSession, you: SessionUser): Promise<SessionState> {
    const jobId = session.job.id;
    return {
      jobId,
      serverTime: Date.now(),
      you,
      participants: await this.ctx.roster.participants(session),
      instruments: session.job.instruments,
      leases: await this.control.leasesOf(session),
      chat: (await this.ctx.journal.latestChat(jobId, this.options.recentChat)).map((r) => chatMessage(jobId, r)),
      events: await this.ctx.journal.latest(jobId, this.options.recentEvents),
      annotations: await this.annotations.of(session),
    };
  }

  private async presenceChanged(session: LiveSession, change: PresenceChange): Promise<void> {
    if (change === null) return;
    const { user } = change;
    await this.ctx.record(session, user, change.kind === "joined" ? { event: "joined", user } : { event: "left", user, dropped: change.kind === "dropped" });
    if (change.kind === "left") await this.control.left(session, user);
    this.ctx.broadcast(sessionRoom(session.job.id), "session:presence", { jobId: session.job.id, participants: await this.ctx.roster.participants(session) });
    this.ctx.registry.closeIfEmpty(session);
  }
}
