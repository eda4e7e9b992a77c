import type { AgentLiveValue } from "@telecal/protocols";

/** At most one live message per this many ms: a tick's values travel together (docs/protocol.md, Live values). */
export const LIVE_TICK_MS = 100;
/** Values per live message, as the server's schema takes them (AgentLiveValues). */
export const LIVE_MAX_VALUES = 256;

/** The socket the ticks go out on: whether it can take a message now, and when it drains. */
export interface LiveLink {
  connected(): boolean;
  /** Still writing earlier packets (engine.io's write buffer is not empty). */
  writing(): boolean;
  onceDrained(fn: () => void): void;
  send(values: AgentLiveValue[]): void;
}

/**
 * The agent's live path: readings taken within one tick go to the server in one message, at most
 * every LIVE_TICK_MS. While the socket is still writing (a backlog of batches, a slow line) the
 * values wait here instead of piling up in socket.io's buffer; past LIVE_MAX_VALUES only the newest
 * value of each stream is kept. Nothing is dropped on a link that keeps up; while the link is down
 * nothing is kept (live values are for now; the record goes through the outbox).
 */
export class LiveTicks {
  private values: AgentLiveValue[] = [];
  private timer: NodeJS.Timeout | null = null;
  private waiting = false;
  private lastSent = 0;
  /** Values sent and values given up (link down, or coalesced away), for tests and benches. */
  readonly counts = { sent: 0, messages: 0, dropped: 0 };

  constructor(
    private readonly link: LiveLink,
    private readonly tickMs = LIVE_TICK_MS,
  ) {}

  push(value: AgentLiveValue): void {
    if (!this.link.connected()) {
      this.counts.dropped++;
      return;
    }
    this.values.push(value);
    if (this.values.length > LIVE_MAX_VALUES) this.coalesce();
    this.schedule();
  }

  /** The link went down or the uplink stops: what waits is given up, a pending drain forgotten. */
  reset(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.waiting = false;
    this.counts.dropped += this.values.length;
    this.values = [];
  }

  private schedule(): void {
    if (this.timer || this.waiting) return;
    // A timer even when a tick is due now: readings taken in the same turn go in one message.
    this.timer = setTimeout(() => this.flush(), Math.max(0, this.lastSent + this.tickMs - Date.now()));
  }

  private flush(): void {
    this.timer = null;
    if (this.values.length === 0) return;
    if (!this.link.connected()) {
      this.counts.dropped += this.values.length;
      this.values = [];
      return;
    }
    if (this.link.writing()) {
      this.waiting = true;
      this.link.onceDrained(() => {
        if (!this.waiting) return;
        this.waiting = false;
        this.flush();
      });
      return;
    }
    const values = this.values;
    this.values = [];
    this.lastSent = Date.now();
    this.counts.sent += values.length;
    this.counts.messages++;
    this.link.send(values);
  }

  /** Keeps the newest value of each stream, in the order of arrival. */
  private coalesce(): void {
    const newest = new Map<string, AgentLiveValue>();
    for (const v of this.values) {
      const key = `${v.instrumentId}/${v.streamId}`;
      newest.delete(key);
      newest.set(key, v);
    }
    const kept = [...newest.values()].slice(-LIVE_MAX_VALUES);
    this.counts.dropped += this.values.length - kept.length;
    this.values = kept;
  }
}
