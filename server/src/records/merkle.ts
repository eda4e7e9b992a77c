import { createHash } from "node:crypto";
import { leafHash, nodeHash, verifyInclusion } from "@telecal/protocols/merkle-proofs";

export { leafHash, nodeHash, verifyInclusion };

/** MTH({}) = SHA-256 of nothing. */
export const EMPTY_ROOT = createHash("sha256").digest();

/** The largest power of two smaller than n (n > 1): the RFC's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes, by the RFC's recursive definition. */
export function rootOf(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return Buffer.from(leaves[0]!);
  const k = splitPoint(leaves.length);
  return nodeHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

/** PATH(m, D[n]) (RFC 9162 section 2.1.3.1): the audit path of leaf m, bottom first. */
export function auditPath(m: number, leaves: readonly Uint8Array[]): Buffer[] {
  const n = leaves.length;
  if (m < 0 || m >= n) throw new RangeError(`leaf ${m} is not in a tree of ${n}`);
  if (n === 1) return [];
  const k = splitPoint(n);
  return m < k
    ? [...auditPath(m, leaves.slice(0, k)), rootOf(leaves.slice(k))]
    : [...auditPath(m - k, leaves.slice(k)), rootOf(leaves.slice(0, k))];
}

/**
 * The roots of the perfect subtrees of a growing tree (left to right, largest first): leaves are
 * added one by one and the root of every prefix is had in O(log n) memory.
 */
export class Frontier {
  private readonly stack: { size: number; hash: Buffer }[] = [];
  size = 0;

  add(leaf: Uint8Array): void {
    let node: { size: number; hash: Buffer } = { size: 1, hash: Buffer.from(leaf) };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.size === node.size) {
      const left = this.stack.pop()!;
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.size++;
  }

  /** MTH of the leaves added so far: the subtrees folded from the right. */
  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let r = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) r = nodeHash(this.stack[i]!.hash, r);
    return r;
  }
}
