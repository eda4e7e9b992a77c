import { sign, verify } from "node:crypto";
import type { Checkpoint, WitnessedCheckpoint } from "@telecal/protocols";
import { checkpointText } from "../records/checkpoints";
import { publicKeyFromSpki, type SigningKey } from "../records/keys";

/**
 * What a witness signs: its own versioned origin line, its key id and the time it countersigned,
 * then the lab's checkpoint text exactly as the lab signed it (checkpointText).
 */
export function cosignatureText(cp: Omit<Checkpoint, "signature">, witnessKeyId: string, witnessedAt: number): string {
  return `telecal witness cosignature v1\n${witnessKeyId}\n${witnessedAt}\n${checkpointText(cp)}`;
}

export function cosign(cp: Checkpoint, key: SigningKey, witnessedAt: number): WitnessedCheckpoint {
  const witnessKeyId = key.publicKey.keyId;
  const cosignature = sign(null, Buffer.from(cosignatureText(cp, witnessKeyId, witnessedAt), "utf8"), key.privateKey).toString("base64");
  return { checkpoint: cp, witnessedAt, witnessKeyId, cosignature };
}

/** True when the witness key whose SPKI (base64) is given made this cosignature. */
export function cosignatureValid(w: WitnessedCheckpoint, spki: string): boolean {
  try {
    const text = cosignatureText(w.checkpoint, w.witnessKeyId, w.witnessedAt);
    return verify(null, Buffer.from(text, "utf8"), publicKeyFromSpki(spki), Buffer.from(w.cosignature, "base64"));
  } catch {
    return false;
  }
}
