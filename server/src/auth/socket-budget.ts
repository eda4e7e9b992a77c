import { type ErrorBody, TelecalError } from "@telecal/protocols";
import { RateLimiter } from "./rate-limit";

/** Events one /ui socket may send in each window, and snapshots (a whole picture each) among them. */
export interface SocketLimits {
  events: { max: number; windowMs: number };
  snapshots: { max: number; windowMs: number };
}

export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  events: { max: 200, windowMs: 10_000 },
  snapshots: { max: 10, windowMs: 10_000 },
};

/**
 * Per-socket budgets, checked before an event is authorised or handled: a viewer asking `snapshot`
 * in a loop gets refusals, not megabytes, and the event loop stays free for everyone else.
 */
export class SocketBudget {
  private readonly events: RateLimiter;
  private readonly snapshots: RateLimiter;

  constructor(limits: SocketLimits = DEFAULT_SOCKET_LIMITS) {
    this.events = new RateLimiter(limits.events.max, limits.events.windowMs);
    this.snapshots = new RateLimiter(limits.snapshots.max, limits.snapshots.windowMs);
  }

  /** Counts the event against the socket; answers the refusal when it is over a budget. */
  take(socketId: string, event: string): ErrorBody | undefined {
    const wait = this.events.hit(socketId);
    if (wait > 0) return new TelecalError("TC_ERR_SOCKET_RATE_LIMITED", { what: "events", seconds: wait }).toBody();
    if (event !== "snapshot") return undefined;
    const snapshotWait = this.snapshots.hit(socketId);
    return snapshotWait > 0 ? new TelecalError("TC_ERR_SOCKET_RATE_LIMITED", { what: "snapshot requests", seconds: snapshotWait }).toBody() : undefined;
  }
}
