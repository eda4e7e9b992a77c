import { z } from "zod";
import type { InstrumentDescriptor } from "./instrument";

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

/**
 * Every clock measurement is also a reading, durable and signed like any other: instrument
 * `agent-clock`, stream `agent-clock.offset`, value the offset in ms, its clock stamp the offset and
 * uncertainty, flag clockStep on a step. The record log so holds the agent's time traceability.
 */
export const CLOCK_INSTRUMENT_ID = "agent-clock";
export const CLOCK_STREAM_ID = `${CLOCK_INSTRUMENT_ID}.offset`;

/** How the clock stream is announced in every hello, beside the bench's instruments. */
export const CLOCK_INSTRUMENT: InstrumentDescriptor = {
  id: CLOCK_INSTRUMENT_ID,
  driver: CLOCK_INSTRUMENT_ID,
  // Its readings are measured against the server's UTC, the reference of every time stamp.
  role: "reference",
  maker: "telecal",
  model: "clock offset to server UTC",
  serial: "",
  firmware: "",
  streams: [{ id: CLOCK_STREAM_ID, quantity: "clock offset", unit: "ms" }],
};
