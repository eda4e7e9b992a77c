import { z } from "zod";

/** What a record of the log holds. A correction points to the record it corrects. */
export const RecordKind = z.enum([
  "reading-batch",
  "manual-entry",
  "procedure-event",
  "approval",
  "command",
  "registry-change",
  "session-event",
  "correction",
  "certificate",
]);
export type RecordKind = z.infer<typeof RecordKind>;

const Hex32 = z.string().regex(/^[0-9a-f]{64}$/, "32 bytes, lowercase hex");

/**
 * A signed Merkle checkpoint: the RFC 9162 root over records 1 .. treeSize (leaf order = id order),
 * signed with the server's Ed25519 key over the text of checkpointText() (server/src/records).
 */
export const Checkpoint = z.strictObject({
  treeSize: z.number().int().positive(),
  rootHash: Hex32,
  /** UTC milliseconds. */
  time: z.number().int(),
  keyId: z.string(),
  /** Ed25519 signature, base64. */
  signature: z.string(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

export const RecordsPublicKey = z.strictObject({
  keyId: z.string(),
  algorithm: z.literal("Ed25519"),
  /** SubjectPublicKeyInfo DER, base64. */
  spki: z.string(),
});
export type RecordsPublicKey = z.infer<typeof RecordsPublicKey>;

/** GET /api/records/checkpoint: public, hashes only. */
export const CheckpointResponse = z.strictObject({
  checkpoint: Checkpoint,
  publicKey: RecordsPublicKey,
});
export type CheckpointResponse = z.infer<typeof CheckpointResponse>;

/** GET /api/records/:id/proof: the record's RFC 9162 audit path against the latest checkpoint. */
export const InclusionProofResponse = z.strictObject({
  recordId: z.number().int().positive(),
  /** The record's chain hash; its leaf data also holds id, time and actor (leafData()). */
  recordHash: Hex32,
  leafIndex: z.number().int().nonnegative(),
  leafHash: Hex32,
  /** Sibling hashes from the leaf up. */
  auditPath: z.array(Hex32),
  checkpoint: Checkpoint,
});
export type InclusionProofResponse = z.infer<typeof InclusionProofResponse>;

export const RecordIdParams = z.strictObject({
  id: z.coerce.number().int().positive(),
});
