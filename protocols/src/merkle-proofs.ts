import { createHash } from "node:crypto";

/*
 * The record log's Merkle tree rules (RFC 9162) that both sides check: the server, which makes the
 * proofs (server/src/records), and the agent, which keeps a checkpoint covering its own batches.
 * A subpath of its own (`@telecal/protocols/merkle-proofs`), not in the index: the web app never
 * needs node:crypto.
 */

/** RFC 9162 section 2.1: leaves and nodes are hashed with distinct one-byte prefixes. */
export function leafHash(data: Uint8Array): Buffer {
  return createHash("sha256").update(Buffer.of(0)).update(data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash("sha256").update(Buffer.of(1)).update(left).update(right).digest();
}

/**
 * Length-prefixed fields after a domain tag, so that no two different field lists (or the same
 * fields under another tag) ever give the same bytes: strings as u32 length + UTF-8, integers as u64.
 */
export function taggedFields(tag: string, values: readonly (string | number)[]): Buffer {
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

export interface LeafFields {
  id: number;
  hash: string;
  createdAt: number;
  actor: string;
}

/**
 * The Merkle leaf data of a record: its place in the log, its chain hash (which covers stream, seq,
 * kind and payload), and when and by whom it was appended.
 */
export function leafData(r: LeafFields): Buffer {
  return taggedFields("telecal/leaf/v1", [r.id, r.hash, r.createdAt, r.actor]);
}

/**
 * Verifies an inclusion proof offline (RFC 9162 section 2.1.3.2): true when `path` proves that
 * `leaf` (a leaf hash) is leaf `index` of the tree of `size` leaves whose root is `root`.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(Buffer.from(root));
}

const isPowerOfTwo = (x: number) => x > 0 && (x & (x - 1)) === 0;

/**
 * Verifies a consistency proof offline (RFC 9162 section 2.1.4.2): true when `proof` shows that the
 * tree of size `m` with root `rootM` is a prefix of the tree of size `n` with root `rootN`. Sizes
 * are positive; m = n holds with an empty proof when the roots are equal.
 */
export function verifyConsistency(
  m: number,
  n: number,
  proof: readonly Uint8Array[],
  rootM: Uint8Array,
  rootN: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 1 || m > n) return false;
  const first = Buffer.from(rootM);
  const second = Buffer.from(rootN);
  if (m === n) return proof.length === 0 && first.equals(second);
  if (proof.length === 0) return false;
  const path: Buffer[] = isPowerOfTwo(m) ? [first, ...proof.map((p) => Buffer.from(p))] : proof.map((p) => Buffer.from(p));
  // The bit arithmetic of the RFC on numbers past 2^31: division, not shifts.
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = path[0]!;
  let sr: Buffer = path[0]!;
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
