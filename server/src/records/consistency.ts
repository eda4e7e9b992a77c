import { verifyConsistency } from "@telecal/protocols/merkle-proofs";
import { rootOf, splitPoint } from "./merkle";

export { verifyConsistency };

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
