import { nodeHash, rootOf, splitPoint } from "./merkle";

/**
 * PROOF(m, D[n]) (RFC 9162 section 2.1.4.1): the hashes that prove the tree of the first m leaves
 * is a prefix of the tree of all n. Empty when m = n (the roots are then equal).
 */
export function consistencyProof(m: number, leaves: readonly Uint8Array[]): Buffer[] {
  const n = leaves.length;
  if (!Number.isSafeInteger(m) || m < 1 || m > n) throw new RangeError(`no consistency proof from size ${m} to ${n}`);
  return subproof(m, leaves, true);
}

/** SUBPROOF(m, D[n], b): `known` is true while the subtree of the first m leaves is the old root itself. */
function subproof(m: number, leaves: readonly Uint8Array[], known: boolean): Buffer[] {
  const n = leaves.length;
  if (m === n) return known ? [] : [rootOf(leaves)];
  const k = splitPoint(n);
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), known), rootOf(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), rootOf(leaves.slice(0, k))];
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
