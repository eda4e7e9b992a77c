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

/** GET /api/witness/checkpoints?log=KEYID. */
export const WitnessCheckpointsQuery = z.strictObject({ log: LogKeyId });

/** The answer: public, hashes and signatures only. */
export const WitnessCheckpointsResponse = z.strictObject({
  format: z.literal("telecal-witness/v1"),
  /** The witness's own Ed25519 key, which made every cosignature here. */
  witnessKey: RecordsPublicKey,
  log: LogKeyId,
  /** Smallest tree size first. */
  checkpoints: z.array(WitnessedCheckpoint),
  /** Newest last. */
  alarms: z.array(WitnessAlarm),
});
export type WitnessCheckpointsResponse = z.infer<typeof WitnessCheckpointsResponse>;
