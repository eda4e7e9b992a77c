import { z } from "zod";
import { Checkpoint, RecordsPublicKey } from "./records";

/** A log is named by the key id of its checkpoints (16 hex digits, keyIdOf() in server/src/records/keys.ts). */
export const LogKeyId = z.string().regex(/^[0-9a-f]{16}$/, "a key id: 16 lowercase hex digits");

/**
 * A lab checkpoint a witness countersigned: it had checked the lab's signature and the consistency
 * with the last one it countersigned for the same log. `cosignature` is Ed25519 by the witness key
 * over cosignatureText() (server/src/witness/cosignature.ts, docs/protocol.md).
 */
export const WitnessedCheckpoint = z.strictObject({
  checkpoint: Checkpoint,
  /** UTC milliseconds at which the witness countersigned it. */
  witnessedAt: z.number().int(),
  witnessKeyId: z.string(),
  cosignature: z.string(),
});
export type WitnessedCheckpoint = z.infer<typeof WitnessedCheckpoint>;

/** A checkpoint the witness refused to countersign, with the evidence. */
export const WitnessAlarm = z.strictObject({
  id: z.string(),
  /** The lab's address the witness fetched from. */
  logUrl: z.string(),
  raisedAt: z.number().int(),
  reason: z.string(),
  /** The last checkpoint it countersigned for this log; null when it had none. */
  previous: Checkpoint.nullable(),
  /** The checkpoint the log offered that does not follow from `previous`. */
  offered: Checkpoint,
});
export type WitnessAlarm = z.infer<typeof WitnessAlarm>;

/** GET /api/witness/checkpoints?log=KEYID&after=TREESIZE&limit=N: a page of checkpoints above `after`. */
export const WitnessCheckpointsQuery = z.strictObject({
  log: LogKeyId,
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/** At most this many alarms in an answer, the newest. */
export const WITNESS_ALARMS_SHOWN = 100;

/** The answer: public, hashes and signatures only. */
export const WitnessCheckpointsResponse = z.strictObject({
  format: z.literal("telecal-witness/v1"),
  /** The witness's own Ed25519 key, which made every cosignature here. */
  witnessKey: RecordsPublicKey,
  log: LogKeyId,
  /** Smallest tree size first, above the query's `after`. */
  checkpoints: z.array(WitnessedCheckpoint),
  /** Pass as `after` for the next page; null at the end. */
  next: z.number().int().nullable(),
  /** The newest WITNESS_ALARMS_SHOWN, oldest first; in every page. */
  alarms: z.array(WitnessAlarm),
});
export type WitnessCheckpointsResponse = z.infer<typeof WitnessCheckpointsResponse>;
