import { createHash } from "node:crypto";
import { leafData, type LeafFields, taggedFields } from "@telecal/protocols/merkle-proofs";

export { leafData, type LeafFields };

/** The prev hash of the first record of a stream. */
export const GENESIS_HASH = "0".repeat(64);

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export interface ChainFields {
  stream: string;
  seq: number;
  kind: string;
  payloadHash: string;
  prevHash: string;
}

/** A record's link in its stream's hash chain. */
export function chainHash(r: ChainFields): string {
  return sha256Hex(taggedFields("telecal/record/v1", [r.stream, r.seq, r.kind, r.payloadHash, r.prevHash]));
}
