import { z } from "zod";
import { Id } from "./ids";
import { ReadingBatchFields, SAME_LENGTHS, sameLengths } from "./readings";

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
  /** A course's settings that certificates depend on (its training criteria), stream `course/<id>`. */
  "course-change",
  /** What ingest refused and why (stream `refusals/<agent id>`): shown to the lab admin. */
  "ingest-refusal",
  /** Readings the agent took but could not keep (gaps.ts), in the stream's own log. */
  "reading-gap",
  /** The server was started on a log older than its last checkpoint, by `--accept-restored-log`. */
  "log-regression",
  /** The store held less of a stream than the agent had seen acknowledged (stream-regression.ts): an alarm. */
  "stream-regression",
]);
export type RecordKind = z.infer<typeof RecordKind>;

/**
 * The record log's stream of one agent's stream of readings: "agentId/streamId". This is the stored,
 * hashed and checkpointed form, so it never changes (old logs must still verify); everywhere else a
 * stream is named by streamRef() ("agentId:streamId").
 */
export function readingsRecordStream(agentId: string, streamId: string): string {
  return `${agentId}/${streamId}`;
}

/**
 * The payload of a reading-batch record: the batch as the agent sent and signed it, with its clock,
 * unit and signature. Its readings from index `storedFrom` on are the ones this batch stored; those
 * before were stored by an earlier batch (a resend overlapping them, checked equal) and are kept
 * here only so that the signature still covers what the record holds. Records written before
 * `storedFrom` existed carry only the readings they stored (then unsigned when the batch overlapped).
 */
export const ReadingBatchPayload = ReadingBatchFields.extend({
  agentId: Id,
  /** As the agent sent it; checked when the batch was taken, not narrowed here. */
  unit: z.string(),
  /** UTC milliseconds at which the server stored it. */
  receivedAt: z.number(),
  /** Index of the first reading this batch stored; absent: 0. */
  storedFrom: z.number().int().positive().optional(),
})
  .refine(sameLengths, SAME_LENGTHS)
  .refine((p) => (p.storedFrom ?? 0) < p.t.length, { message: "storedFrom is past the last reading", path: ["storedFrom"] });
export type ReadingBatchPayload = z.infer<typeof ReadingBatchPayload>;

/** A correction: a new record in the corrected record's stream, pointing to it by id and hash. */
export const CorrectionPayload = z.strictObject({
  corrects: z.strictObject({ id: z.number().int().positive(), hash: z.string(), kind: z.string(), seq: z.number().int().nonnegative() }),
  who: z.string(),
  /** UTC milliseconds. */
  when: z.number(),
  why: z.string(),
  /** The value as the corrected record holds it, and the value it should have had: any JSON. */
  old: z.json(),
  new: z.json(),
});
export type CorrectionPayload = z.infer<typeof CorrectionPayload>;

const Hex32 = z.string().regex(/^[0-9a-f]{64}$/, "32 bytes, lowercase hex");

/**
 * A signed Merkle checkpoint: the RFC 9162 root over records 1 .. treeSize (leaf order = id order),
 * signed with the server's Ed25519 key over the text of checkpointText() (server/src/records).
 * Version 2 (with `seq` and `prevHash`) chains each checkpoint to the one before, so that a deleted
 * checkpoint leaves a hole that `telecal verify` names; version 1 checkpoints have neither.
 */
export const Checkpoint = z.strictObject({
  treeSize: z.number().int().positive(),
  rootHash: Hex32,
  /** UTC milliseconds. */
  time: z.number().int(),
  keyId: z.string(),
  /** v2: 1 for the log's first checkpoint, then one more for each. */
  seq: z.number().int().positive().optional(),
  /** v2: SHA-256 (hex) of the previous checkpoint's signed text, 64 `0` for the first. */
  prevHash: Hex32.optional(),
  /** Ed25519 signature, base64. */
  signature: z.string(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

/**
 * The signed text of a checkpoint: one field a line, after a versioned origin line. v2 adds its seq
 * and the hash of the previous checkpoint's text; a checkpoint without them is v1, as all were once.
 * Here, not in the server, because the agent checks checkpoints too (docs/protocol.md, Record log).
 */
export function checkpointText(cp: Omit<Checkpoint, "signature">): string {
  const v1 = `${cp.treeSize}\n${cp.rootHash}\n${cp.time}\n${cp.keyId}\n`;
  if (cp.seq === undefined && cp.prevHash === undefined) return `telecal record log checkpoint v1\n${v1}`;
  return `telecal record log checkpoint v2\n${v1}${cp.seq ?? ""}\n${cp.prevHash ?? ""}\n`;
}

/**
 * A `log-regression` record (stream `server/log`): the server was started with
 * `--accept-restored-log` on a log older than the last checkpoint it had signed (kept beside its
 * key): what that checkpoint covered and what the log held then.
 */
export const LogRegressionPayload = z.strictObject({
  lastCheckpoint: z.strictObject({ treeSize: z.number().int().positive(), rootHash: Hex32, time: z.number().int(), seq: z.number().int().positive().optional() }),
  /** Records the log held when the server accepted it. */
  logSize: z.number().int().nonnegative(),
  /** Why the log is older: fewer records, or other records under the same size. */
  reason: z.string(),
  acceptedAt: z.number().int(),
});
export type LogRegressionPayload = z.infer<typeof LogRegressionPayload>;

/** The record stream of the server's own alarms about its log. */
export const LOG_ALARM_STREAM = "server/log";

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

/** GET /api/records/consistency?first=M&second=N: the tree sizes of two checkpoints, M <= N. */
export const ConsistencyQuery = z.strictObject({
  first: z.coerce.number().int().positive(),
  second: z.coerce.number().int().positive(),
});
export type ConsistencyQuery = z.infer<typeof ConsistencyQuery>;

/** The RFC 9162 section 2.1.4 proof that the log at `first` is a prefix of the log at `second`. */
export const ConsistencyProofResponse = z.strictObject({
  first: Checkpoint,
  second: Checkpoint,
  /** PROOF(first.treeSize, D[second.treeSize]), hex; empty when the sizes are equal. */
  proof: z.array(Hex32),
});
export type ConsistencyProofResponse = z.infer<typeof ConsistencyProofResponse>;
