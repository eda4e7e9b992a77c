import { createHash, createPublicKey, verify } from "node:crypto";
import { type Checkpoint, checkpointText } from "@telecal/protocols";

/*
 * The record log's proofs, checked on the agent's side: the agent may not import the server
 * (DESIGN.md), so the few RFC 9162 rules it needs are restated here; the checkpoint's signed text
 * is protocols' checkpointText, which the server signs. They must agree with server/src/records
 * (hashing.ts, merkle.ts, consistency.ts); the agent's test over a real server fails when they do not.
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

/** Length-prefixed fields after a domain tag (fields() of server/src/records/hashing.ts). */
function fields(tag: string, values: readonly (string | number)[]): Buffer {
  const parts: Buffer[] = [];
  for (const v of [tag, ...values]) {
    if (typeof v === "number") {
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE(BigInt(v));
      parts.push(b);
    } else {
      const s = Buffer.from(v, "utf8");
      const len = Buffer.alloc(4);
      len.writeUInt32BE(s.length);
      parts.push(len, s);
    }
  }
  return Buffer.concat(parts);
}

const leafHashOf = (data: Uint8Array) => createHash("sha256").update(Buffer.of(0)).update(data).digest();
const nodeHash = (l: Uint8Array, r: Uint8Array) => createHash("sha256").update(Buffer.of(1)).update(l).update(r).digest();

/** The Merkle leaf hash of a record from its id, chain hash, time and actor, hex. */
export function recordLeafHash(r: { id: number; hash: string; createdAt: number; actor: string }): string {
  return leafHashOf(fields("telecal/leaf/v1", [r.id, r.hash, r.createdAt, r.actor])).toString("hex");
}

/** RFC 9162 section 2.1.3.2: `path` proves that `leaf` is leaf `index` of the tree of `size` with `root` (hex). */
export function inclusionHolds(leaf: string, index: number, size: number, path: readonly string[], root: string): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = Buffer.from(leaf, "hex");
  for (const p of path.map((h) => Buffer.from(h, "hex"))) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(Buffer.from(root, "hex"));
}

const isPowerOfTwo = (x: number) => x > 0 && (x & (x - 1)) === 0;

/** RFC 9162 section 2.1.4.2: `proof` shows the tree of size m (root `rootM`) is a prefix of the tree of size n (`rootN`). */
export function consistencyHolds(m: number, n: number, proof: readonly string[], rootM: string, rootN: string): boolean {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 1 || m > n) return false;
  const first = Buffer.from(rootM, "hex");
  const second = Buffer.from(rootN, "hex");
  if (m === n) return proof.length === 0 && first.equals(second);
  if (proof.length === 0) return false;
  const hashes = proof.map((h) => Buffer.from(h, "hex"));
  const path = isPowerOfTwo(m) ? [first, ...hashes] : hashes;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(first) && sr.equals(second);
}
