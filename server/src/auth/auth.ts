import { type Role, TelecalError, type UserInfo } from "@telecal/protocols";
import type { AuthRepository, SessionInfo } from "./auth-repository";
import { setTimeout as delay } from "node:timers/promises";
import { LOCAL_HOSTS } from "../http/allowed-hosts";
import { LoginLimit, type LoginLimitOptions } from "./login-limit";
import { DEFAULT_SOCKET_LIMITS, type SocketLimits } from "./socket-budget";

export interface AuthOptions {
  /** How long a session lasts after login. */
  sessionTtlMs: number;
  /** A session not used for longer ends (TC_ERR_AUTH_IDLE); 0: no idle timeout. */
  sessionIdleMs: number;
  /** Origins besides the server's own that may open sockets (e.g. the Vite dev server). */
  allowedOrigins: readonly string[];
  /** Host names that requests and sockets may name in Host (http/allowed-hosts.ts); `*`: any. */
  allowedHosts: ReadonlySet<string>;
  /** Failed sign-ins allowed per (username, address) and per address; a username is slowed, not locked. */
  loginLimit: LoginLimitOptions;
  /** Events (and snapshot requests) one /ui socket may send per window. */
  socketLimits: SocketLimits;
}

export const DEFAULT_AUTH_OPTIONS: AuthOptions = {
  sessionTtlMs: 12 * 3600_000,
  sessionIdleMs: 30 * 60_000,
  allowedOrigins: [],
  allowedHosts: new Set(LOCAL_HOSTS),
  loginLimit: { max: 10, windowMs: 60_000 },
  socketLimits: DEFAULT_SOCKET_LIMITS,
};

/** Expired sessions are kept this long (answering TC_ERR_AUTH_EXPIRED), then removed at a login. */
const SWEEP_AFTER_MS = 7 * 24 * 3600_000;

const MAX_TIMER_MS = 2 ** 31 - 1;

/** A session's last use is written at most this often: one write a minute, not one per request. */
const TOUCH_EVERY_MS = 60_000;

/** Turns a database failure into TC_ERR_STORE_FAILED naming what failed; the cause goes with it to the log. */
async function storeStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof TelecalError) throw err;
    throw new TelecalError("TC_ERR_STORE_FAILED", { what }, { cause: err });
  }
}

type EndCode = "TC_ERR_AUTH_INVALID_TOKEN" | "TC_ERR_AUTH_EXPIRED";

/** Something bound to a session that must end with it at once: a socket. */
export interface SessionBound {
  end(code: EndCode): void;
}

/** The other server processes, as auth needs them (realtime/peers.ts gives them). */
export interface AuthPeers {
  tell(event: string, arg: unknown): void;
  hear<A>(event: string, fn: (arg: A) => void): void;
}
const ALONE: AuthPeers = { tell: () => undefined, hear: () => undefined };

const LOGIN_FAILED = "auth:login-failed";
interface LoginFailure {
  username: string;
  address: string;
  at: number;
}
const SESSIONS_ENDED = "auth:sessions-ended";
interface SessionsEnded {
  idHashes: readonly string[];
  code: EndCode;
}

/**
 * Login, logout and session lookup, plus the live things (sockets) bound to each session, so that a
 * logout or an expiry ends them at the same moment.
 */
export class Auth {
  private readonly limit: LoginLimit;
  private readonly bound = new Map<string, Set<SessionBound>>();
  private peers: AuthPeers = ALONE;

  constructor(
    readonly repo: AuthRepository,
    readonly options: AuthOptions = DEFAULT_AUTH_OPTIONS,
  ) {
    this.limit = new LoginLimit(options.loginLimit);
  }

  async login(username: string, password: string, ip: string): Promise<{ token: string; expiresAt: number; user: UserInfo }> {
    const wait = this.limit.lockedFor(username, ip);
    if (wait > 0) throw new TelecalError("TC_ERR_AUTH_RATE_LIMITED", { key: username, seconds: wait });
    const slow = this.limit.delayFor(username);
    if (slow > 0) await delay(slow);
    const user = await storeStep("the sign-in", () => this.repo.checkPassword(username, password));
    if (!user) {
      const at = Date.now();
      this.limit.failed(username, ip, at);
      this.peers.tell(LOGIN_FAILED, { username, address: ip, at } satisfies LoginFailure);
      throw new TelecalError("TC_ERR_AUTH_BAD_PASSWORD");
    }
    return storeStep("the sign-in", async () => {
      await this.repo.sweepSessions(Date.now() - SWEEP_AFTER_MS);
      const session = await this.repo.createSession(user.id, this.options.sessionTtlMs);
      return { ...session, user };
    });
  }

  /** The session of a token, or the reason there is none (required, invalid, expired). */
  async session(token: string | undefined, what: string): Promise<SessionInfo> {
    if (token === undefined || token === "") throw new TelecalError("TC_ERR_AUTH_REQUIRED", { what });
    const now = Date.now();
    const session = await storeStep("the session lookup", () => this.repo.session(token, now));
    const idle = this.options.sessionIdleMs;
    if (idle > 0 && now - session.lastUsedAt > idle) {
      await this.end([session.idHash], "TC_ERR_AUTH_EXPIRED");
      throw new TelecalError("TC_ERR_AUTH_IDLE", { minutes: Math.round(idle / 60_000), lastUsed: new Date(session.lastUsedAt).toISOString() });
    }
    if (now - session.lastUsedAt >= TOUCH_EVERY_MS) await storeStep("the session lookup", () => this.repo.touchSession(session.idHash, now));
    return session;
  }

  /**
   * An admin's change to a user: a new password, disabled or enabled again, or just their sessions
   * ended. Every session of the user ends, with its sockets, at once. False: no such user.
   */
  async changeUser(userId: string, change: { password?: string; disabled?: boolean }): Promise<{ sessionsEnded: number } | undefined> {
    const ended = await storeStep("the change of the user", () => this.repo.changeUser(userId, change));
    if (!ended) return undefined;
    this.ended(ended, "TC_ERR_AUTH_INVALID_TOKEN");
    return { sessionsEnded: ended.length };
  }

  private async end(idHashes: string[], code: EndCode): Promise<void> {
    for (const idHash of idHashes) await this.repo.endSession(idHash);
    this.ended(idHashes, code);
  }

  /**
   * With several server processes, a failed sign-in counts on every one (a guesser dealt round
   * robin is not let try three times as often), and an ended session ends its sockets wherever
   * they are: each is told to the others, and theirs heard here.
   */
  share(peers: AuthPeers): void {
    this.peers = peers;
    peers.hear<LoginFailure>(LOGIN_FAILED, (f) => {
      if (typeof f.username === "string" && typeof f.address === "string" && typeof f.at === "number") this.limit.failed(f.username, f.address, f.at);
    });
    peers.hear<SessionsEnded>(SESSIONS_ENDED, (e) => {
      if (Array.isArray(e.idHashes)) for (const idHash of e.idHashes) this.endBound(String(idHash), e.code === "TC_ERR_AUTH_EXPIRED" ? e.code : "TC_ERR_AUTH_INVALID_TOKEN");
    });
  }

  private ended(idHashes: readonly string[], code: EndCode): void {
    for (const idHash of idHashes) this.endBound(idHash, code);
    if (idHashes.length > 0) this.peers.tell(SESSIONS_ENDED, { idHashes, code } satisfies SessionsEnded);
  }

  /** Ends a session and everything bound to it. */
  async logout(idHash: string): Promise<void> {
    await this.end([idHash], "TC_ERR_AUTH_INVALID_TOKEN");
  }

  /**
   * Binds a socket to its session until `unbind`; it is ended at logout, and at expiry by a timer
   * (a session that expires while nobody asks is still ended on time).
   */
  bind(session: SessionInfo, item: SessionBound): () => void {
    let set = this.bound.get(session.idHash);
    if (!set) {
      set = new Set();
      this.bound.set(session.idHash, set);
    }
    set.add(item);
    // The row stays until looked up or swept, so that the token is refused as expired, not unknown.
    let timer: NodeJS.Timeout;
    const arm = () => {
      const left = session.expiresAt - Date.now();
      // setTimeout holds at most 2^31-1 ms: a longer session is re-armed on the way.
      timer = setTimeout(() => (left > MAX_TIMER_MS ? arm() : item.end("TC_ERR_AUTH_EXPIRED")), Math.min(Math.max(0, left), MAX_TIMER_MS));
      timer.unref();
    };
    arm();
    return () => {
      clearTimeout(timer);
      const s = this.bound.get(session.idHash);
      s?.delete(item);
      if (s?.size === 0) this.bound.delete(session.idHash);
    };
  }

  private endBound(idHash: string, code: EndCode): void {
    for (const item of [...(this.bound.get(idHash) ?? [])]) item.end(code);
    this.bound.delete(idHash);
  }
}

/** Refuses a role outside the set: the one check every route and event makes. */
export function requireRole(user: UserInfo, roles: ReadonlySet<Role>, what: string): void {
  if (!roles.has(user.role)) throw new TelecalError("TC_ERR_AUTH_FORBIDDEN", { role: user.role, what });
}
