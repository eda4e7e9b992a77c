import { sign, verify } from "node:crypto";
import { type Checkpoint, checkpointText } from "@telecal/protocols";
import { GENESIS_HASH, sha256Hex } from "./hashing";
import { type SigningKey, publicKeyFromSpki } from "./keys";
import type { RecordCheckpointsTable } from "./schema";

// The text itself is the protocol's: the agent checks checkpoints too.
export { checkpointText };

/** The prev hash of a log's first v2 checkpoint. */
export const FIRST_CHECKPOINT_PREV = GENESIS_HASH;

/** What the next checkpoint's `prevHash` is: SHA-256 of this one's signed text. */
export function checkpointDigest(cp: Omit<Checkpoint, "signature">): string {
  return sha256Hex(checkpointText(cp));
}

export function signCheckpoint(cp: Omit<Checkpoint, "signature">, key: SigningKey): Checkpoint {
  const signature = sign(null, Buffer.from(checkpointText(cp), "utf8"), key.privateKey).toString("base64");
  return { ...cp, signature };
}

/** True when `cp` is signed by the key whose SPKI (base64) is given. */
export function checkpointSignatureValid(cp: Checkpoint, spki: string): boolean {
  try {
    return verify(null, Buffer.from(checkpointText(cp), "utf8"), publicKeyFromSpki(spki), Buffer.from(cp.signature, "base64"));
  } catch {
    return false;
  }
}

/** A row as a checkpoint; the v2 columns are absent in a database before migration 0013. */
export function toCheckpoint(r: Pick<RecordCheckpointsTable, "tree_size" | "root_hash" | "created_at" | "key_id" | "signature"> & Partial<RecordCheckpointsTable>): Checkpoint {
  return {
    treeSize: Number(r.tree_size),
    rootHash: r.root_hash,
    time: Number(r.created_at),
    keyId: r.key_id,
    ...(r.seq === null || r.seq === undefined ? {} : { seq: Number(r.seq) }),
    ...(r.prev_hash === null || r.prev_hash === undefined ? {} : { prevHash: r.prev_hash }),
    signature: r.signature,
  };
}

/** The leaf hashes a v2 checkpoint row keeps, in id order, ending at its tree size. */
export function leavesOf(r: Partial<Pick<RecordCheckpointsTable, "leaves">>): Buffer[] {
  if (!r.leaves) return [];
  const bytes = Buffer.from(r.leaves, "base64");
  const out: Buffer[] = [];
  for (let i = 0; i + 32 <= bytes.length; i += 32) out.push(bytes.subarray(i, i + 32));
  return out;
}
