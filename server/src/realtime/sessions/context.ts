import { isTelecalError, type SessionEvent, type SessionRecord, type SessionUser, type ServerToUiEvents, TelecalError, type UserInfo } from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import { z } from "zod";
import { RateLimiter } from "../../auth/rate-limit";
import { actorOf, type SessionAccess, type SessionJob, sessionUser } from "./access";
import type { SessionJournal } from "./journal";
import { type LiveSession, type SessionRegistry, sessionRoom } from "./registry";
import type { SessionRoster } from "./roster";

export interface SessionOptions {
  /** Session events of any kind per user in each window (each may leave a record). */
  eventLimit: { max: number; windowMs: number };
  /** Chat messages per user in each window. */
  chatLimit: { max: number; windowMs: number };
  /** Commands per user in each window. */
  commandLimit: { max: number; windowMs: number };
  /** How long the agent may take to acknowledge a command. */
  commandTimeoutMs: number;
  /** Events and chat messages of the snapshot a joiner gets. */
  recentEvents: number;
  recentChat: number;
  /** Annotation records (marks and clears) read back for a joiner's marks: the read stays bounded. */
  annotationRecords: number;
  /** A socket's connection-quality reports closer together than this are ignored. */
  qualityIntervalMs: number;
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = {
  eventLimit: { max: 100, windowMs: 10_000 },
  chatLimit: { max: 20, windowMs: 10_000 },
  commandLimit: { max: 20, windowMs: 10_000 },
  commandTimeoutMs: 15_000,
  recentEvents: 100,
  recentChat: 100,
  annotationRecords: 500,
  qualityIntervalMs: 1000,
};

/** How the server reaches the people of a session: its room on /ui. */
export type SessionBroadcast = <E extends keyof ServerToUiEvents & `session:${string}`>(
  room: string,
  event: E,
  ...args: Parameters<ServerToUiEvents[E]>
) => void;

/** A rate limit an event counts against, and how its refusal names what was limited. */
export interface EventLimit {
  limiter: RateLimiter;
  what: string;
}

/**
 * What every session event goes through: the job's organisation checked against the user as the
 * guard found them for this very event, the rate limit, and the record. Every event is a record of
 * the session's stream before anyone is told of it; a refusal of someone who may see the job is
 * recorded too, with its code.
 */
export class SessionContext {
  private readonly events: EventLimit;

  constructor(
    readonly access: SessionAccess,
    readonly registry: SessionRegistry,
    /** Who is in a session at every process of a cluster. */
    readonly roster: SessionRoster,
    readonly journal: SessionJournal,
    readonly broadcast: SessionBroadcast,
    private readonly log: FastifyBaseLogger,
    options: SessionOptions,
  ) {
    this.events = { limiter: new RateLimiter(options.eventLimit.max, options.eventLimit.windowMs), what: "session events" };
  }

  /**
   * The organisation check and the per-user limit on session events of every kind (joins, leaves and
   * lease events leave records too, refusals included).
   */
  async admit(info: UserInfo, jobId: string): Promise<{ job: SessionJob; user: SessionUser }> {
    const job = await this.access.job(info, jobId);
    const user = sessionUser(info);
    this.limit(this.events, user);
    return { job, user };
  }

  /**
   * An event of a participant: the organisation checked, the rate limit (if any) counted, then `fn`
   * in the session, with any refusal from here on (not joined, role, lease ...) recorded.
   */
  async act<T>(
    socketId: string,
    info: UserInfo,
    jobId: string,
    what: string,
    request: unknown,
    limit: EventLimit | null,
    fn: (session: LiveSession, user: SessionUser) => Promise<T>,
  ): Promise<T> {
    const { job, user } = await this.admit(info, jobId);
    if (limit) this.limit(limit, user);
    // Someone who has not joined is refused, and the refusal recorded, without opening the session.
    const session = this.registry.get(job.id) ?? this.registry.transient(job);
    return this.refusing(session, user, what, request, async () => {
      if (!session.presence.has(socketId)) throw new TelecalError("TC_ERR_SESSION_NOT_JOINED", { job: job.id, what });
      return fn(session, user);
    });
  }

  async record(session: LiveSession, user: SessionUser, event: SessionEvent): Promise<SessionRecord> {
    const record = await this.journal.append(session.job.id, actorOf(user), event);
    this.broadcast(sessionRoom(session.job.id), "session:event", { jobId: session.job.id, record });
    return record;
  }

  /** Runs `fn`; a TelecalError it throws is recorded as a refusal, told to the room, and rethrown. */
  private async refusing<T>(session: LiveSession, user: SessionUser, what: string, request: unknown, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isTelecalError(err) && err.code !== "TC_ERR_INTERNAL") {
        // What socket.io delivered is JSON unless it carried binary, which no session event takes.
        const json = z.json().safeParse(request);
        await this.record(session, user, { event: "refused", user, what, request: json.success ? json.data : null, error: err.toBody() });
      }
      throw err;
    }
  }

  private limit({ limiter, what }: EventLimit, user: SessionUser): void {
    const seconds = limiter.hit(user.userId);
    if (seconds > 0) {
      // Not recorded: a flood must not be able to fill the log.
      this.log.warn({ user: user.username, what }, "session rate limit");
      throw new TelecalError("TC_ERR_RATE_LIMITED", { what, key: user.username, seconds });
    }
  }
}
