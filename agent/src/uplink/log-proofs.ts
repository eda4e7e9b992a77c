import { createPublicKey, verify } from "node:crypto";
import { type Checkpoint, checkpointText } from "@telecal/protocols";
import { leafData, type LeafFields, leafHash, verifyConsistency, verifyInclusion } from "@telecal/protocols/merkle-proofs";

/*
 * The record log's proofs, checked on the agent's side with the rules the server proves by
 * (protocols' checkpointText and merkle-proofs), on the hex the /agent answer carries.
 */

/** True when `cp` carries a valid Ed25519 signature by the key whose SPKI (DER, base64) is given. */
export function checkpointSigned(cp: Checkpoint, spki: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(spki, "base64"), format: "der", type: "spki" });
    return verify(null, Buffer.from(checkpointText(cp), "utf8"), key, Buffer.from(cp.signature, "base64"));
  } catch {
    return false;
  }
}

const hex = (h: string) => Buffer.from(h, "hex");

/** The Merkle leaf hash of a record from its id, chain hash, time and actor, hex. */
export function recordLeafHash(r: LeafFields): string {
  return leafHash(leafData(r)).toString("hex");
}

/** RFC 9162 section 2.1.3.2 on hex: `path` proves that `leaf` is leaf `index` of the tree of `size` with `root`. */
export function inclusionHolds(leaf: string, index: number, size: number, path: readonly string[], root: string): boolean {
  return verifyInclusion(hex(leaf), index, size, path.map(hex), hex(root));
}

/** RFC 9162 section 2.1.4.2 on hex: `proof` shows the tree of size m (root `rootM`) is a prefix of the tree of size n (`rootN`). */
export function consistencyHolds(m: number, n: number, proof: readonly string[], rootM: string, rootN: string): boolean {
  return verifyConsistency(m, n, proof.map(hex), hex(rootM), hex(rootN));
}
