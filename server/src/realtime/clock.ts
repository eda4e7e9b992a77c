import { performance } from "node:perf_hooks";
import { ClockPing, type ClockPong, type Reply, validationError } from "@telecal/protocols";

/** The server's UTC in milliseconds with sub-millisecond resolution, steady between NTP slews. */
export function serverNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Answers one clock exchange: t1 as the request is handled, t2 just before the answer leaves. */
export function answerClock(raw: unknown): Reply<ClockPong> {
  const t1 = serverNow();
  const parsed = ClockPing.safeParse(raw);
  if (!parsed.success) return { ok: false, error: validationError("clock ping", parsed.error).toBody() };
  return { ok: true, t0: parsed.data.t0, t1, t2: serverNow() };
}
