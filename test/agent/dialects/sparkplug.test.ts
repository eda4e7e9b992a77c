import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeSparkplug,
  encodeSparkplug,
  nextSeq,
  parseSparkplugTopic,
  rebirthRequest,
  shortestFloat32,
  SparkplugDecodeError,
} from "@telecal/agent/dialects/sparkplug";

describe("Sparkplug B topics", () => {
  it("parse node and device topics", () => {
    expect(parseSparkplugTopic("spBv1.0/telecal/NDATA/bench-1")).toEqual({ groupId: "telecal", type: "NDATA", edgeNodeId: "bench-1" });
    expect(parseSparkplugTopic("spBv1.0/g/DDATA/n/dev")).toEqual({ groupId: "g", type: "DDATA", edgeNodeId: "n", deviceId: "dev" });
  });

  it("refuse other namespaces, unknown types and STATE", () => {
    expect(parseSparkplugTopic("spAv1.0/g/NDATA/n")).toBeNull();
    expect(parseSparkplugTopic("spBv1.0/g/NFOO/n")).toBeNull();
    expect(parseSparkplugTopic("spBv1.0/STATE/host")).toBeNull();
    expect(parseSparkplugTopic("spBv1.0/g/NDATA/n/d/extra")).toBeNull();
  });
});

describe("Sparkplug B payloads", () => {
  it("round-trip with 64-bit fields as plain numbers, units and aliases", () => {
    const bytes = encodeSparkplug({
      timestamp: 1_746_086_400_123,
      seq: 255,
      metrics: [
        { name: "bdSeq", type: "Int64", value: 7 },
        { name: "Environment/Temperature", alias: 1, type: "Double", value: 23.012, unit: "°C", timestamp: 1_746_086_400_100 },
        { alias: 2, type: "Float", value: 45.3 },
        { name: "Flag", type: "Boolean", value: true },
      ],
    });
    const decoded = decodeSparkplug(bytes);
    expect(decoded).not.toBeInstanceOf(SparkplugDecodeError);
    expect(decoded).toEqual({
      timestamp: 1_746_086_400_123,
      seq: 255,
      metrics: [
        { name: "bdSeq", type: "Int64", value: 7 },
        { name: "Environment/Temperature", alias: 1, type: "Double", value: 23.012, unit: "°C", timestamp: 1_746_086_400_100 },
        { alias: 2, type: "Float", value: 45.3 },
        { name: "Flag", type: "Boolean", value: true },
      ],
    });
  });

  it("a rebirth request is the NCMD metric Node Control/Rebirth = true", () => {
    const decoded = decodeSparkplug(rebirthRequest(1000));
    expect(decoded).toMatchObject({ metrics: [{ name: "Node Control/Rebirth", type: "Boolean", value: true }] });
  });

  it("seq wraps from 255 to 0", () => {
    expect(nextSeq(0)).toBe(1);
    expect(nextSeq(254)).toBe(255);
    expect(nextSeq(255)).toBe(0);
  });

  it("float32 values come back as their shortest decimal", () => {
    expect(shortestFloat32(Math.fround(45.3))).toBe(45.3);
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1);
    expect(shortestFloat32(0.5)).toBe(0.5);
  });

  it("a cut protobuf or text is a SparkplugDecodeError", () => {
    const good = encodeSparkplug({ timestamp: 1, seq: 1, metrics: [{ name: "x", type: "Double", value: 1.5 }] });
    const cut = decodeSparkplug(good.subarray(0, good.length - 3));
    expect(cut).toBeInstanceOf(SparkplugDecodeError);
    expect((cut as Error).message).toMatch(/^not a Sparkplug B payload: /);
    expect(decodeSparkplug(new TextEncoder().encode('{"temperature": 23}'))).toBeInstanceOf(SparkplugDecodeError);
  });

  it("random bytes give a payload or a SparkplugDecodeError, never a throw (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const decoded = decodeSparkplug(bytes);
        if (decoded instanceof SparkplugDecodeError) return;
        expect(Array.isArray(decoded.metrics)).toBe(true);
        for (const m of decoded.metrics) expect(["number", "boolean", "string", "object"]).toContain(typeof m.value);
      }),
      { numRuns: 3000 },
    );
  });

  it("valid payloads with random bytes spliced in never throw (property)", () => {
    const good = encodeSparkplug({
      timestamp: 1_746_086_400_000,
      seq: 3,
      metrics: [
        { name: "Environment/Temperature", alias: 1, type: "Double", value: 23.5, unit: "°C" },
        { name: "bdSeq", type: "Int64", value: 1 },
      ],
    });
    fc.assert(
      fc.property(fc.nat(good.length), fc.uint8Array({ minLength: 1, maxLength: 16 }), (at, junk) => {
        const bytes = new Uint8Array([...good.subarray(0, at), ...junk, ...good.subarray(at)]);
        const decoded = decodeSparkplug(bytes);
        expect(decoded instanceof SparkplugDecodeError || Array.isArray(decoded.metrics)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
