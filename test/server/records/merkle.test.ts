import { createHash } from "node:crypto";
import { auditPath, EMPTY_ROOT, Frontier, leafHash, nodeHash, rootOf, splitPoint, verifyInclusion } from "@telecal/server";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const sha = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
const hex = (b: Buffer) => b.toString("hex");
/** Leaves d0..d6 of the RFC 9162 section 2.1.5 example tree, as one-byte data. */
const data = Array.from({ length: 7 }, (_, i) => Buffer.of(i));
const L = data.map((d) => sha(Buffer.of(0), d));
const N = (l: Buffer, r: Buffer) => sha(Buffer.of(1), l, r);

describe("RFC 9162 Merkle tree hashing", () => {
  it("hashes leaves as SHA-256(0x00 || d) and nodes as SHA-256(0x01 || left || right)", () => {
    expect(hex(leafHash(Buffer.alloc(0)))).toBe("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    expect(hex(EMPTY_ROOT)).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(leafHash(data[3]!)).toEqual(L[3]);
    expect(nodeHash(L[0]!, L[1]!)).toEqual(N(L[0]!, L[1]!));
  });

  it("splits at the largest power of two smaller than n", () => {
    expect([2, 3, 4, 5, 7, 8, 9, 16, 17].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 4, 8, 8, 16]);
  });

  it("gives the roots of trees of 1 to 7 leaves computed by hand from the definitions", () => {
    const [a, b, c, d, e, f, g] = L as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
    const ab = N(a, b);
    const cd = N(c, d);
    const abcd = N(ab, cd);
    const ef = N(e, f);
    expect(rootOf([])).toEqual(EMPTY_ROOT);
    expect(rootOf([a])).toEqual(a);
    expect(rootOf([a, b])).toEqual(ab);
    expect(rootOf([a, b, c])).toEqual(N(ab, c)); // k = 2
    expect(rootOf([a, b, c, d])).toEqual(abcd);
    expect(rootOf([a, b, c, d, e])).toEqual(N(abcd, e)); // k = 4
    expect(rootOf([a, b, c, d, e, f])).toEqual(N(abcd, ef));
    expect(rootOf(L)).toEqual(N(abcd, N(ef, g)));
  });

  it("gives the audit paths of the RFC's example tree of 7 leaves (section 2.1.5), worked out by hand", () => {
    const [a, b, c, d, e, f, g] = L as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
    // PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) when m < k, else PATH(m - k, D[k:n]) : MTH(D[0:k]).
    expect(auditPath(0, L)).toEqual([b, N(c, d), N(N(e, f), g)]);
    expect(auditPath(3, L)).toEqual([c, N(a, b), N(N(e, f), g)]);
    expect(auditPath(4, L)).toEqual([f, g, N(N(a, b), N(c, d))]);
    expect(auditPath(6, L)).toEqual([N(e, f), N(N(a, b), N(c, d))]);
    expect(auditPath(0, [a])).toEqual([]);
  });

  it("verifies every leaf of trees of 1 to 40 leaves, and refuses a wrong leaf, index, size, root or path", () => {
    for (let n = 1; n <= 40; n++) {
      const leaves = Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`record ${i}`)));
      const root = rootOf(leaves);
      for (let m = 0; m < n; m++) {
        const path = auditPath(m, leaves);
        expect(verifyInclusion(leaves[m]!, m, n, path, root), `${m} of ${n}`).toBe(true);
        expect(verifyInclusion(leafHash(Buffer.from("forged")), m, n, path, root)).toBe(false);
        expect(verifyInclusion(leaves[m]!, m, n, path, leafHash(Buffer.from("other root")))).toBe(false);
        expect(verifyInclusion(leaves[m]!, m, m, path, root)).toBe(false); // index outside the tree
        if (n > 1) {
          expect(verifyInclusion(leaves[m]!, (m + 1) % n, n, path, root)).toBe(false);
          const flipped = path.map((p, i) => (i === 0 ? Buffer.from(p.map((x, j) => (j === 0 ? x ^ 1 : x))) : p));
          expect(verifyInclusion(leaves[m]!, m, n, flipped, root)).toBe(false);
          expect(verifyInclusion(leaves[m]!, m, n, path.slice(0, -1), root)).toBe(false);
          expect(verifyInclusion(leaves[m]!, m, n, [...path, root], root)).toBe(false);
        }
      }
      expect(verifyInclusion(leaves[0]!, n, n, [], root)).toBe(false);
    }
  });

  it("the frontier gives the same root as the recursive definition for every prefix", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), (n) => {
        const leaves = Array.from({ length: n }, (_, i) => leafHash(Buffer.from(String(i))));
        const frontier = new Frontier();
        for (const l of leaves) frontier.add(l);
        expect(frontier.root()).toEqual(rootOf(leaves));
      }),
      { numRuns: 60 },
    );
  });
});
