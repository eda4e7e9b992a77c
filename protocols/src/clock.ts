import { z } from "zod";

/**
 * NTP-style clock exchange over the agent's socket: the agent sends t0 (its clock when sending),
 * the server answers t1 (its UTC when the request arrived) and t2 (its UTC when answering); the
 * agent notes t3 on arrival. All in milliseconds, sub-millisecond precision allowed.
 */
export const ClockPing = z.strictObject({ t0: z.number() });
export type ClockPing = z.infer<typeof ClockPing>;

export const ClockPong = z.strictObject({ t0: z.number(), t1: z.number(), t2: z.number() });
export type ClockPong = z.infer<typeof ClockPong>;

/** Offset of the server's clock from the agent's, and the round-trip delay, of one exchange. */
export function clockSample(t0: number, t1: number, t2: number, t3: number): { offsetMs: number; delayMs: number } {
  return { offsetMs: (t1 - t0 + (t2 - t3)) / 2, delayMs: t3 - t0 - (t2 - t1) };
}
