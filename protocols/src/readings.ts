import { z } from "zod";
import { Id } from "./ids";

/** Status flags of one reading, OR-ed together; 0 is a plain, stable reading. */
export const ReadingFlag = {
  overload: 1,
  unstable: 2,
  manual: 4,
  /** The agent's clock offset stepped: this reading of the clock stream is the new offset. */
  clockStep: 8,
} as const;
export type ReadingFlagName = keyof typeof ReadingFlag;

export function flagNames(flags: number): ReadingFlagName[] {
  return (Object.keys(ReadingFlag) as ReadingFlagName[]).filter((n) => (flags & ReadingFlag[n]) !== 0);
}

/** How far the agent's clock is from the server's, and how well that is known. */
export const ClockStamp = z.strictObject({
  offsetMs: z.number(),
  uncertaintyMs: z.number().nonnegative(),
});
export type ClockStamp = z.infer<typeof ClockStamp>;

const MAX_BATCH = 10_000;

/**
 * Consecutive readings of one stream: reading i has seq firstSeq + i. Times are UTC milliseconds
 * (already corrected by the agent's measured offset). A value is null when the instrument gave none
 * (overload); JSON has no infinities.
 */
export const ReadingBatchFields = z.strictObject({
  streamId: Id,
  instrumentId: Id,
  firstSeq: z.number().int().nonnegative(),
  t: z.array(z.number().positive()).min(1).max(MAX_BATCH),
  values: z.array(z.number().nullable()).min(1).max(MAX_BATCH),
  flags: z.array(z.number().int().min(0).max(15)).min(1).max(MAX_BATCH),
  unit: z.string().min(1).max(32),
  clock: ClockStamp,
  /** True while a backlog is replayed: viewers are not shown these as live. */
  historical: z.boolean(),
  /**
   * Base64 Ed25519 signature by the agent's device key over batchSigningBytes(batch)
   * (batch-signature.ts); absent only from an agent enrolled without a key, which the server refuses.
   */
  signature: z.string().min(1).max(256).optional(),
});

/** Every reading of a batch has its time, its value and its flags. */
export function sameLengths(b: { t: unknown[]; values: unknown[]; flags: unknown[] }): boolean {
  return b.t.length === b.values.length && b.t.length === b.flags.length;
}

export const SAME_LENGTHS = { message: "t, values and flags must have the same length", path: ["values"] };

export const ReadingBatch = ReadingBatchFields.refine(sameLengths, SAME_LENGTHS);
export type ReadingBatch = z.infer<typeof ReadingBatch>;

export const BatchAck = z.strictObject({
  streamId: Id,
  /** Highest seq such that every seq up to it is stored. */
  ackedSeq: z.number().int(),
});
export type BatchAck = z.infer<typeof BatchAck>;

/**
 * A reading as it is taken, sent by the agent on a live path beside the durable batches, with the
 * other readings of its tick: it is shown at once and never waits behind a backlog.
 * What counts as the record is the acknowledged batch, not this.
 */
export const AgentLiveValue = z.strictObject({
  instrumentId: Id,
  streamId: Id,
  t: z.number(),
  value: z.number().nullable(),
  unit: z.string().min(1).max(32),
  flags: z.number().int().min(0).max(15),
});
export type AgentLiveValue = z.infer<typeof AgentLiveValue>;

export const AgentLiveValues = z.array(AgentLiveValue).min(1).max(256);

/** One value for viewers, relayed per tick: a slow viewer gets the newest per stream, never lags. */
export const LiveValue = z.strictObject({
  agentId: Id,
  instrumentId: Id,
  streamId: Id,
  t: z.number(),
  value: z.number().nullable(),
  unit: z.string(),
  flags: z.number().int(),
});
export type LiveValue = z.infer<typeof LiveValue>;
