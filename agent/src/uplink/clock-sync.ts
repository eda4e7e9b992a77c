import { performance } from "node:perf_hooks";
import { type ClockPong, type ClockStamp, clockSample } from "@telecal/protocols";
import type { Logger } from "../log";

export interface ClockSyncOptions {
  /** One exchange: sends t0, resolves with the server's answer. */
  exchange(t0: number): Promise<ClockPong>;
  log: Logger;
  /** Exchanges per measurement; the one with the lowest delay is kept (its offset is least skewed). */
  samples?: number;
  /** Time between measurements. */
  intervalMs?: number;
  /** Worst rate at which the agent's clock may wander from the server's, over one interval. */
  driftPpm?: number;
  /** Called when a new offset differs from the last by more than both uncertainties allow. */
  onStep?(from: ClockStamp, to: ClockStamp): void;
  /** Called after every measurement, `stepped` when it was a step. */
  onMeasure?(stamp: ClockStamp, stepped: boolean): void;
}

/** The agent's clock, read from the monotonic clock so that a wall-clock jump cannot skew a span. */
export function agentNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Measures the agent's clock offset to the server NTP-style (four time stamps per exchange, the
 * lowest-delay exchange of several), again at every interval. The uncertainty is half the round
 * trip (the most an asymmetric path can hide) plus the drift the interval may add, so the stamp
 * stays the same until the next measurement and batches are not split by it.
 */
export class ClockSync {
  private current: ClockStamp | null = null;
  private timer: NodeJS.Timeout | null = null;
  private measuring: Promise<ClockStamp | null> | null = null;

  constructor(private readonly options: ClockSyncOptions) {}

  get stamp(): ClockStamp | null {
    return this.current;
  }

  /** Server UTC now, as well as this agent knows it (uncorrected before the first measurement). */
  now(): number {
    return agentNow() + (this.current?.offsetMs ?? 0);
  }

  start(): void {
    this.stop();
    void this.measure();
    this.timer = setInterval(() => void this.measure(), this.options.intervalMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One measurement; null if no exchange succeeded (the last stamp then stays). */
  measure(): Promise<ClockStamp | null> {
    this.measuring ??= this.run().finally(() => {
      this.measuring = null;
    });
    return this.measuring;
  }

  private async run(): Promise<ClockStamp | null> {
    let best: { offsetMs: number; delayMs: number } | null = null;
    for (let i = 0; i < (this.options.samples ?? 8); i++) {
      try {
        const t0 = agentNow();
        const pong = await this.options.exchange(t0);
        const sample = clockSample(pong.t0, pong.t1, pong.t2, agentNow());
        if (sample.delayMs >= 0 && (best === null || sample.delayMs < best.delayMs)) best = sample;
      } catch (err) {
        this.options.log.debug({ err: (err as Error).message }, "clock exchange failed");
      }
    }
    if (best === null) return null;
    const interval = this.options.intervalMs ?? 60_000;
    const next: ClockStamp = {
      offsetMs: round(best.offsetMs),
      uncertaintyMs: round(best.delayMs / 2 + ((this.options.driftPpm ?? 100) * 1e-6 * interval) + 0.001),
    };
    const previous = this.current;
    this.current = next;
    const stepped = previous !== null && Math.abs(next.offsetMs - previous.offsetMs) > previous.uncertaintyMs + next.uncertaintyMs;
    if (stepped) {
      this.options.log.warn({ from: previous, to: next }, "clock offset stepped");
      this.options.onStep?.(previous, next);
    }
    this.options.onMeasure?.(next, stepped);
    return next;
  }
}

/** Microsecond resolution is all a socket round trip can tell. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
