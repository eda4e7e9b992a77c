import { createHash } from "node:crypto";
import { consistencyProof, leafHash, rootOf, verifyConsistency } from "@telecal/server";
import { describe, expect, it } from "vitest";

const sha = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
const N = (l: Buffer, r: Buffer) => sha(Buffer.of(1), l, r);

/** MTH and SUBPROOF exactly as RFC 9162 sections 2.1.1 and 2.1.4.1 write them, over leaf hashes. */
function mth(d: Buffer[]): Buffer {
  if (d.length === 0) return sha();
  if (d.length === 1) return d[0]!;
  let k = 1;
  while (k << 1 < d.length) k <<= 1;
  return N(mth(d.slice(0, k)), mth(d.slice(k)));
}
function rfcSubproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  const n = d.length;
  if (m === n) return b ? [] : [mth(d)];
  let k = 1;
  while (k << 1 < n) k <<= 1;
  if (m <= k) return [...rfcSubproof(m, d.slice(0, k), b), mth(d.slice(k))];
  return [...rfcSubproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}

const leavesOf = (n: number, tag = "record") => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`${tag} ${i}`)));
const flip = (b: Buffer) => Buffer.from(b.map((x, j) => (j === 0 ? x ^ 1 : x)));

describe("RFC 9162 consistency proofs", () => {
  it("gives the proofs of the RFC's example tree of 7 leaves (RFC 6962 section 2.1.3, kept in 9162)", () => {
    const [a, b, c, d, e, f, j] = leavesOf(7) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
    const [g, h, i] = [N(a, b), N(c, d), N(e, f)];
    const [k, l] = [N(g, h), N(i, j)];
    const seven = [a, b, c, d, e, f, j];
    expect(consistencyProof(3, seven)).toEqual([c, d, g, l]);
    expect(consistencyProof(4, seven)).toEqual([l]);
    expect(consistencyProof(6, seven)).toEqual([i, j, k]);
    expect(consistencyProof(7, seven)).toEqual([]);
  });

  it("equals the RFC's SUBPROOF and verifies, for every pair 1 <= m <= n <= 40", () => {
    const leaves = leavesOf(40);
    let pairs = 0;
    for (let n = 1; n <= 40; n++) {
      const tree = leaves.slice(0, n);
      const rootN = rootOf(tree);
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(m, tree);
        expect(proof, `${m} to ${n}`).toEqual(rfcSubproof(m, tree, true));
        expect(verifyConsistency(m, n, proof, rootOf(tree.slice(0, m)), rootN), `${m} to ${n}`).toBe(true);
        pairs++;
      }
    }
    expect(pairs).toBe(820);
  });

  it("refuses tampered proofs, roots and sizes for every pair m < n <= 40", () => {
    const leaves = leavesOf(40);
    const other = leavesOf(40, "rewritten");
    for (let n = 2; n <= 40; n++) {
      const tree = leaves.slice(0, n);
      const rootN = rootOf(tree);
      for (let m = 1; m < n; m++) {
        const rootM = rootOf(tree.slice(0, m));
        const proof = consistencyProof(m, tree);
        const at = `${m} to ${n}`;
        for (let i = 0; i < proof.length; i++) {
          const bad = proof.map((p, x) => (x === i ? flip(p) : p));
          expect(verifyConsistency(m, n, bad, rootM, rootN), `${at}, element ${i} flipped`).toBe(false);
        }
        expect(verifyConsistency(m, n, proof.slice(0, -1), rootM, rootN), `${at}, last dropped`).toBe(false);
        expect(verifyConsistency(m, n, [...proof, rootN], rootM, rootN), `${at}, one appended`).toBe(false);
        expect(verifyConsistency(m, n, [], rootM, rootN), `${at}, empty`).toBe(false);
        expect(verifyConsistency(m, n, proof, flip(rootM), rootN), `${at}, old root`).toBe(false);
        expect(verifyConsistency(m, n, proof, rootM, flip(rootN)), `${at}, new root`).toBe(false);
        // A history rewritten under the old checkpoint: its honest proof fails against the old root.
        const rewritten = [other[0]!, ...tree.slice(1)];
        expect(verifyConsistency(m, n, consistencyProof(m, rewritten), rootM, rootOf(rewritten)), `${at}, rewritten`).toBe(false);
      }
    }
  });

  it("holds from a size to itself only with an empty proof and equal roots; refuses sizes out of range", () => {
    const tree = leavesOf(5);
    const root = rootOf(tree);
    expect(verifyConsistency(5, 5, [], root, root)).toBe(true);
    expect(verifyConsistency(5, 5, [root], root, root)).toBe(false);
    expect(verifyConsistency(5, 5, [], root, flip(root))).toBe(false);
    expect(verifyConsistency(0, 5, [], root, root)).toBe(false);
    expect(verifyConsistency(6, 5, [], root, root)).toBe(false);
    expect(verifyConsistency(1.5, 5, [], root, root)).toBe(false);
    expect(() => consistencyProof(0, tree)).toThrow(RangeError);
    expect(() => consistencyProof(6, tree)).toThrow(RangeError);
  });
});
