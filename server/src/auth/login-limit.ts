import { RateLimiter } from "./rate-limit";

export interface LoginLimitOptions {
  /** Failures allowed per (username, address), and per address, in each window. */
  max: number;
  windowMs: number;
  /** Failures per address of any username in each window (several people behind one NAT). */
  maxPerAddress?: number;
  /** Past `max` failures for a username from anywhere, each further try waits this long (not a lock). */
  slowdownMs?: number;
}

/**
 * Only failed sign-ins count. A (username, address) pair and an address are locked for the window
 * after too many failures; a username tried from many addresses is slowed down, never locked, so
 * that a stranger cannot lock a real user out (issue: 15 failures from one address locked the user
 * out everywhere).
 */
export class LoginLimit {
  private readonly byPair: RateLimiter;
  private readonly byAddress: RateLimiter;
  private readonly byUser: RateLimiter;
  readonly slowdownMs: number;

  constructor(options: LoginLimitOptions) {
    this.byPair = new RateLimiter(options.max, options.windowMs);
    this.byAddress = new RateLimiter(options.maxPerAddress ?? options.max * 3, options.windowMs);
    this.byUser = new RateLimiter(options.max, options.windowMs);
    this.slowdownMs = options.slowdownMs ?? 1000;
  }

  /** Seconds until this pair or address may try again; 0 if it may now. */
  lockedFor(username: string, address: string, now = Date.now()): number {
    return Math.max(this.byPair.peek(pairKey(username, address), now), this.byAddress.peek(address, now));
  }

  /** How long this try should wait first: a username under attack from many addresses is slowed. */
  delayFor(username: string, now = Date.now()): number {
    return this.byUser.peek(username, now) > 0 ? this.slowdownMs : 0;
  }

  failed(username: string, address: string, now = Date.now()): void {
    this.byPair.hit(pairKey(username, address), now);
    this.byAddress.hit(address, now);
    this.byUser.hit(username, now);
  }
}

// NUL cannot occur in a username that passed the schema, so the key is unambiguous.
const pairKey = (username: string, address: string) => `${username}\u0000${address}`;
