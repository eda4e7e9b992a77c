import { canonicalJson } from "./canonical";
import type { ReadingBatch } from "./readings";

/** Domain separation: these bytes can never be taken for a signature over anything else. */
export const BATCH_SIGNATURE_DOMAIN = "telecal/reading-batch/v1\n";

/**
 * What an agent signs (Ed25519, node:crypto sign(null, bytes, key)) and the server verifies: the
 * domain prefix, then the UTF-8 canonical JSON of the batch without its `signature`. Pure; the
 * crypto itself lives in the agent and the server.
 */
export function batchSigningBytes(batch: ReadingBatch | Omit<ReadingBatch, "signature">): Uint8Array {
  const { signature: _omit, ...unsigned } = batch as ReadingBatch;
  void _omit;
  return new TextEncoder().encode(BATCH_SIGNATURE_DOMAIN + canonicalJson(unsigned));
}
