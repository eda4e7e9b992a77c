import { type Role, TelecalError, type UserInfo } from "@telecal/protocols";
import type { AuthRepository, SessionInfo } from "./auth-repository";
import { RateLimiter } from "./rate-limit";

export interface AuthOptions {
  /** How long a session lasts after login. */
  sessionTtlMs: number;
  /** Origins besides the server's own that may open sockets (e.g. the Vite dev server). */
  allowedOrigins: readonly string[];
  /** Login attempts allowed per IP and, separately, per username, in each window. */
  loginLimit: { max: number; windowMs: number };
}

export const DEFAULT_AUTH_OPTIONS: AuthOptions = {
  sessionTtlMs: 12 * 3600_000,
  allowedOrigins: [],
  loginLimit: { max: 10, windowMs: 60_000 },
};

/** Expired sessions are kept this long (answering TC_ERR_AUTH_EXPIRED), then removed at a login. */
const SWEEP_AFTER_MS = 7 * 24 * 3600_000;

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Something bound to a session that must end with it at once: a socket. */
export interface SessionBound {
  end(code: "TC_ERR_AUTH_INVALID_TOKEN" | "TC_ERR_AUTH_EXPIRED"): void;
}

/**
 * Login, logout and session lookup, plus the live things (sockets) bound to each session, so that a
 * logout or an expiry ends them at the same moment.
 */
export class Auth {
  private readonly byIp: RateLimiter;
  private readonly byUser: RateLimiter;
  private readonly bound = new Map<string, Set<SessionBound>>();

  constructor(
    readonly repo: AuthRepository,
    readonly options: AuthOptions = DEFAULT_AUTH_OPTIONS,
  ) {
    this.byIp = new RateLimiter(options.loginLimit.max, options.loginLimit.windowMs);
    this.byUser = new RateLimiter(options.loginLimit.max, options.loginLimit.windowMs);
  }

  async login(username: string, password: string, ip: string): Promise<{ token: string; expiresAt: number; user: UserInfo }> {
    const wait = Math.max(this.byIp.hit(`ip:${ip}`), this.byUser.hit(`user:${username}`));
    if (wait > 0) throw new TelecalError("TC_ERR_AUTH_RATE_LIMITED", { key: username, seconds: wait });
    const user = await this.repo.checkPassword(username, password);
    if (!user) throw new TelecalError("TC_ERR_AUTH_BAD_PASSWORD");
    await this.repo.sweepSessions(Date.now() - SWEEP_AFTER_MS);
    const session = await this.repo.createSession(user.id, this.options.sessionTtlMs);
    return { ...session, user };
  }

  /** The session of a token, or the reason there is none (required, invalid, expired). */
  async session(token: string | undefined, what: string): Promise<SessionInfo> {
    if (token === undefined || token === "") throw new TelecalError("TC_ERR_AUTH_REQUIRED", { what });
    return this.repo.session(token);
  }

  /** Ends a session and everything bound to it. */
  async logout(idHash: string): Promise<void> {
    await this.repo.endSession(idHash);
    this.endBound(idHash, "TC_ERR_AUTH_INVALID_TOKEN");
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

  private endBound(idHash: string, code: "TC_ERR_AUTH_INVALID_TOKEN" | "TC_ERR_AUTH_EXPIRED"): void {
    for (const item of [...(this.bound.get(idHash) ?? [])]) item.end(code);
    this.bound.delete(idHash);
  }
}

/** Refuses a role outside the set: the one check every route and event makes. */
export function requireRole(user: UserInfo, roles: ReadonlySet<Role>, what: string): void {
  if (!roles.has(user.role)) throw new TelecalError("TC_ERR_AUTH_FORBIDDEN", { role: user.role, what });
}
