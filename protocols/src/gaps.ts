import { z } from "zod";
import { canonicalJson } from "./canonical";
import { Id } from "./ids";

/** Why an agent could not keep readings. */
export const GapReason = z.enum([
  /** The outbox reached its cap while the server was away: new readings were not kept. */
  "outbox-full",
]);
export type GapReason = z.infer<typeof GapReason>;

/**
 * Readings an agent took but could not keep. They have no seqs: the seqs of a stream stay
 * contiguous, and the next reading kept carries `firstSeq`. So the record says how many readings,
 * taken between `tFirst` and `tLast` (UTC ms), are missing just before seq `firstSeq`.
 */
export const ReadingGap = z
  .strictObject({
    streamId: Id,
    instrumentId: Id,
    firstSeq: z.number().int().nonnegative(),
    count: z.number().int().positive(),
    tFirst: z.number().positive(),
    tLast: z.number().positive(),
    reason: GapReason,
    /** Base64 Ed25519 signature by the agent's device key over gapSigningBytes(gap). */
    signature: z.string().min(1).max(256),
  })
  .refine((g) => g.tLast >= g.tFirst, { message: "tLast is before tFirst", path: ["tLast"] });
export type ReadingGap = z.infer<typeof ReadingGap>;

/** What the server answers for a gap: stored (or already stored), in the stream's record log. */
export const GapAck = z.strictObject({ streamId: Id, firstSeq: z.number().int().nonnegative() });
export type GapAck = z.infer<typeof GapAck>;

/** Domain separation from batches: a gap's signature can never pass for a batch's. */
export const GAP_SIGNATURE_DOMAIN = "telecal/reading-gap/v1\n";

/** What the agent signs: the domain prefix, then the canonical JSON of the gap without `signature`. */
export function gapSigningBytes(gap: ReadingGap | Omit<ReadingGap, "signature">): Uint8Array {
  const { signature: _omit, ...unsigned } = gap as ReadingGap;
  void _omit;
  return new TextEncoder().encode(GAP_SIGNATURE_DOMAIN + canonicalJson(unsigned));
}

/** The payload of a `reading-gap` record: the gap as the agent signed it, and when it was stored. */
export const ReadingGapPayload = z.strictObject({
  agentId: Id,
  streamId: Id,
  instrumentId: Id,
  firstSeq: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  tFirst: z.number(),
  tLast: z.number(),
  reason: GapReason,
  signature: z.string(),
  receivedAt: z.number(),
});
export type ReadingGapPayload = z.infer<typeof ReadingGapPayload>;
