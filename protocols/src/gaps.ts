import { z } from "zod";
import { canonicalJson } from "./canonical";
import { Id } from "./ids";

/** Why an agent could not keep readings. */
export const GapReason = z.enum([
  /** The outbox reached its cap while the server was away: new readings were not kept. */
  "outbox-full",
  /** The server acknowledged these seqs, then lost them (data loss, a restore); the agent no longer holds them. */
  "server-lost",
]);
export type GapReason = z.infer<typeof GapReason>;

/**
 * Readings an agent took but could not keep. They have no seqs: the seqs of a stream stay
 * contiguous, and the next reading kept carries `firstSeq`. So the record says how many readings,
 * taken between `tFirst` and `tLast` (UTC ms), are missing just before seq `firstSeq`.
 */
export const ReadingCountGap = z
  .strictObject({
    streamId: Id,
    instrumentId: Id,
    firstSeq: z.number().int().nonnegative(),
    count: z.number().int().positive(),
    tFirst: z.number().positive(),
    tLast: z.number().positive(),
    reason: z.literal("outbox-full"),
    /** Base64 Ed25519 signature by the agent's device key over gapSigningBytes(gap). */
    signature: z.string().min(1).max(256),
  })
  .refine((g) => g.tLast >= g.tFirst, { message: "tLast is before tFirst", path: ["tLast"] });
export type ReadingCountGap = z.infer<typeof ReadingCountGap>;

/**
 * Seqs `firstSeq` to `lastSeq` of a stream that no reading will ever fill: the server acknowledged
 * them and lost them, and the agent's retention no longer holds them. Unlike a count gap these
 * seqs were taken; the server lets the stream go on after `lastSeq`.
 */
export const ReadingSeqGap = z
  .strictObject({
    streamId: Id,
    instrumentId: Id,
    firstSeq: z.number().int().nonnegative(),
    lastSeq: z.number().int().nonnegative(),
    reason: z.literal("server-lost"),
    signature: z.string().min(1).max(256),
  })
  .refine((g) => g.lastSeq >= g.firstSeq, { message: "lastSeq is before firstSeq", path: ["lastSeq"] });
export type ReadingSeqGap = z.infer<typeof ReadingSeqGap>;

/** A gap record as the agent sends it: a count of readings never numbered, or a range of seqs. */
export const ReadingGap = z.union([ReadingCountGap, ReadingSeqGap]);
export type ReadingGap = z.infer<typeof ReadingGap>;

/** What the server answers for a gap: stored (or already stored), in the stream's record log. */
export const GapAck = z.strictObject({ streamId: Id, firstSeq: z.number().int().nonnegative() });
export type GapAck = z.infer<typeof GapAck>;

/** Domain separation from batches: a gap's signature can never pass for a batch's. */
export const GAP_SIGNATURE_DOMAIN = "telecal/reading-gap/v1\n";
/** The seq-range form signs other fields: its own domain, so neither form's signature passes for the other's. */
export const SEQ_GAP_SIGNATURE_DOMAIN = "telecal/reading-seq-gap/v1\n";

type Unsigned<T> = T extends unknown ? Omit<T, "signature"> : never;

/** What the agent signs: the form's domain prefix, then the canonical JSON of the gap without `signature`. */
export function gapSigningBytes(gap: ReadingGap | Unsigned<ReadingGap>): Uint8Array {
  const { signature: _omit, ...unsigned } = gap as ReadingGap;
  void _omit;
  const domain = "lastSeq" in unsigned ? SEQ_GAP_SIGNATURE_DOMAIN : GAP_SIGNATURE_DOMAIN;
  return new TextEncoder().encode(domain + canonicalJson(unsigned));
}

/** The payload of a `reading-gap` record: the gap as the agent signed it, and when it was stored. */
export const ReadingCountGapPayload = z.strictObject({
  agentId: Id,
  streamId: Id,
  instrumentId: Id,
  firstSeq: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  tFirst: z.number(),
  tLast: z.number(),
  reason: z.literal("outbox-full"),
  signature: z.string(),
  receivedAt: z.number(),
});
export type ReadingCountGapPayload = z.infer<typeof ReadingCountGapPayload>;
export const ReadingSeqGapPayload = z.strictObject({
  agentId: Id,
  streamId: Id,
  instrumentId: Id,
  firstSeq: z.number().int().nonnegative(),
  lastSeq: z.number().int().nonnegative(),
  reason: z.literal("server-lost"),
  signature: z.string(),
  receivedAt: z.number(),
});
export type ReadingSeqGapPayload = z.infer<typeof ReadingSeqGapPayload>;
export const ReadingGapPayload = z.union([ReadingCountGapPayload, ReadingSeqGapPayload]);
export type ReadingGapPayload = z.infer<typeof ReadingGapPayload>;
