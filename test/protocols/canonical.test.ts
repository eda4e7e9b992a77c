import { canonicalJson } from "@telecal/protocols";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("canonical JSON", () => {
  it("sorts keys at every depth and writes no insignificant whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it("orders keys by UTF-16 code units, not by locale", () => {
    expect(canonicalJson({ b: 0, B: 0, a: 0, é: 0, "10": 0, "9": 0 })).toBe('{"10":0,"9":0,"B":0,"a":0,"b":0,"é":0}');
  });

  it("writes numbers and strings as JSON.stringify does, and drops undefined members", () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.1, 10.000001, "线\n\"", { x: undefined }])).toBe(
      '[1e+21,1e-7,0,0.1,10.000001,"线\\n\\"",{}]',
    );
  });

  it("refuses what has no JSON form, naming where it is", () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow("$.a[1]");
    expect(() => canonicalJson({ a: Infinity })).toThrow("$.a");
    expect(() => canonicalJson({ d: new Date(0) })).toThrow("plain objects");
    expect(() => canonicalJson([undefined])).toThrow("undefined");
    expect(() => canonicalJson(10n)).toThrow("bigint");
  });

  it("gives the same text for equal values whatever their key order, and parses back to the value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const reordered = JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
          v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
        ) as unknown;
        expect(canonicalJson(reordered)).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(text).not.toMatch(/^\s|\s$/);
      }),
    );
  });
});
