import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineFramer } from "@telecal/agent/dialects/line-framer";
import { parseMtSicsWeight } from "@telecal/agent/dialects/mt-sics";
import { parseScpiError, parseScpiNumber } from "@telecal/agent/dialects/scpi";
import { PARSERS } from "@telecal/agent/drivers/parsers";
import { parseIdentity } from "@telecal/agent/instruments/polled-instrument";
import { compileHeader, splitCommand, splitMessage } from "@telecal/agent/simulators/scpi-header";

const anyText = fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")));

describe("parsers never throw on random input, and give a number or null", () => {
  it("reply parsers", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const [name, parse] of Object.entries(PARSERS)) {
          const parsed = parse(text);
          if (parsed !== null) {
            expect(parsed.value === null || Number.isFinite(parsed.value), name).toBe(true);
            expect(Number.isInteger(parsed.flags), name).toBe(true);
          }
        }
        const n = parseScpiNumber(text);
        expect(n === null || Number.isFinite(n)).toBe(true);
        parseScpiError(text);
        parseMtSicsWeight(text);
        parseIdentity(text);
        splitMessage(text);
        splitCommand(text);
      }),
      { numRuns: 2000 },
    );
  });

  it("the line framer gives back exactly the bytes it was fed, however they are chunked", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
        const framer = new LineFramer("\n");
        const lines: string[] = [];
        for (const c of chunks) lines.push(...framer.push(Buffer.from(c)).lines);
        const all = Buffer.concat(chunks.map((c) => Buffer.from(c))).toString("latin1");
        const complete = all.slice(0, all.lastIndexOf("\n") + 1);
        expect(lines.map((l) => `${l}\n`).join("")).toBe(complete);
      }),
      { numRuns: 1000 },
    );
  });

  it("header patterns compile for every header a definition could name, and match themselves", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Z]{1,4}[a-z]{0,6}$/), { minLength: 1, maxLength: 4 }), (nodes) => {
        const pattern = nodes.join(":");
        const matcher = compileHeader(pattern);
        expect(matcher.test(pattern.toUpperCase())).toBe(true);
        expect(matcher.test(nodes.map((n) => n.replace(/[a-z]+$/, "")).join(":"))).toBe(true);
      }),
    );
  });
});

describe("MT-SICS weight replies", () => {
  it("reads stable, dynamic, over and under range, and refuses the rest", () => {
    expect(parseMtSicsWeight("S S     100.0000 g")).toEqual({ value: 100, flags: 0, unit: "g" });
    expect(parseMtSicsWeight("S D      99.9981 g")).toEqual({ value: 99.9981, flags: 2, unit: "g" });
    expect(parseMtSicsWeight("S +")).toEqual({ value: null, flags: 1, unit: "" });
    expect(parseMtSicsWeight("S -")).toEqual({ value: null, flags: 1, unit: "" });
    expect(parseMtSicsWeight("S I")).toBeNull();
    expect(parseMtSicsWeight("ES")).toBeNull();
    expect(parseMtSicsWeight("S S abc g")).toBeNull();
  });
});
