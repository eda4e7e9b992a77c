import { z } from "zod";
import { Id } from "./ids";

/**
 * The payload of a `stream-regression` record, in the stream's own log: at a hello the agent said
 * the server had acknowledged every seq up to `agentAckedSeq`, but the store held them only up to
 * `expectedSeq - 1` (a lost WAL, a restore from backup). The agent resends what it still holds from
 * `expectedSeq` on, and a `server-lost` seq gap covers what it no longer holds.
 */
export const StreamRegressionPayload = z.strictObject({
  agentId: Id,
  streamId: Id,
  /** The seq the store expected next. */
  expectedSeq: z.number().int().nonnegative(),
  /** The highest seq the agent had seen acknowledged. */
  agentAckedSeq: z.number().int().nonnegative(),
  /** UTC ms of the hello that told it. */
  detectedAt: z.number(),
});
export type StreamRegressionPayload = z.infer<typeof StreamRegressionPayload>;
