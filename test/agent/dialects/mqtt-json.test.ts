import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getAt, type JsonFieldSpec, parseJsonPath, parseTimestamp, readJsonMessage, setAt } from "@telecal/agent/dialects/mqtt-json";

const FIELDS: JsonFieldSpec[] = [
  { name: "temperature", read: "$.temperature.value", unit: "°C", unitAt: "$.temperature.unit", time: "$.time" },
  { name: "humidity", read: "$.humidity.value", unit: "%RH" },
];

const bytes = (text: string) => new TextEncoder().encode(text);

describe("JSON paths", () => {
  it("parse dots and indices, with or without $", () => {
    expect(parseJsonPath("$.a.b[2].c")).toEqual(["a", "b", 2, "c"]);
    expect(parseJsonPath("readings[0][1]")).toEqual(["readings", 0, 1]);
    expect(parseJsonPath("$")).toEqual([]);
  });

  it("get what is there and undefined for what is not, never an inherited member", () => {
    const data = { a: { b: [10, { c: 3 }] } };
    expect(getAt(data, parseJsonPath("a.b[1].c"))).toBe(3);
    expect(getAt(data, parseJsonPath("a.x.c"))).toBeUndefined();
    expect(getAt(data, parseJsonPath("a.b.c"))).toBeUndefined();
    expect(getAt(data, parseJsonPath("a.constructor"))).toBeUndefined();
  });

  it("set makes the objects and arrays on the way", () => {
    const data: Record<string, unknown> = {};
    setAt(data, parseJsonPath("$.t.value"), 1);
    setAt(data, parseJsonPath("$.list[1]"), 2);
    expect(data).toEqual({ t: { value: 1 }, list: [undefined, 2] });
  });
});

describe("time stamps", () => {
  it("take epoch ms, epoch s and ISO 8601 with a zone", () => {
    expect(parseTimestamp(1_746_086_400_000)).toBe(1_746_086_400_000);
    expect(parseTimestamp(1_746_086_400)).toBe(1_746_086_400_000);
    expect(parseTimestamp("2025-05-01T08:00:00.000Z")).toBe(Date.UTC(2025, 4, 1, 8));
    expect(parseTimestamp("2025-05-01T16:00:00+08:00")).toBe(Date.UTC(2025, 4, 1, 8));
  });

  it("refuse a local time without zone, negatives and nonsense", () => {
    expect(parseTimestamp("2025-05-01T08:00:00")).toBeNull();
    expect(parseTimestamp(-5)).toBeNull();
    expect(parseTimestamp("yesterday")).toBeNull();
    expect(parseTimestamp(null)).toBeNull();
  });
});

describe("readJsonMessage", () => {
  it("reads every field of a good message", () => {
    const message = readJsonMessage(
      bytes('{"time":"2025-05-01T08:00:00Z","temperature":{"value":23.02,"unit":"°C"},"humidity":{"value":"45.1"}}'),
      FIELDS,
    );
    expect(message.problems).toEqual([]);
    expect(message.readings).toEqual([
      { name: "temperature", value: 23.02, t: Date.UTC(2025, 4, 1, 8) },
      { name: "humidity", value: 45.1, t: null },
    ]);
  });

  it("names each problem: not JSON, no value, not a number, another unit, a bad time stamp", () => {
    expect(readJsonMessage(bytes("garbage{"), FIELDS).problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(/^not JSON/),
      expect.stringMatching(/^not JSON/),
    ]);
    const missing = readJsonMessage(bytes('{"time":1746086400,"temperature":{"unit":"°C"},"humidity":{"value":true}}'), FIELDS);
    expect(missing.readings).toEqual([]);
    expect(missing.problems).toEqual([
      { name: "temperature", reason: "no value at $.temperature.value" },
      { name: "humidity", reason: "$.humidity.value is not a number" },
    ]);
    const unit = readJsonMessage(bytes('{"time":1746086400,"temperature":{"value":74,"unit":"°F"}}'), FIELDS.slice(0, 1));
    expect(unit.problems).toEqual([{ name: "temperature", reason: 'unit "°F" at $.temperature.unit, expected °C' }]);
    const time = readJsonMessage(bytes('{"time":"soon","temperature":{"value":23,"unit":"°C"}}'), FIELDS.slice(0, 1));
    expect(time.problems).toEqual([{ name: "temperature", reason: 'bad time stamp "soon" at $.time' }]);
  });

  it("refuses bytes that are not UTF-8", () => {
    const message = readJsonMessage(new Uint8Array([0x7b, 0xff, 0x7d]), FIELDS);
    expect(message.readings).toEqual([]);
    expect(message.problems).toHaveLength(2);
  });

  it("never throws on random bytes, and accounts for every field (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (payload) => {
        const message = readJsonMessage(payload, FIELDS);
        expect(message.readings.length + message.problems.length).toBeGreaterThanOrEqual(FIELDS.length);
        for (const r of message.readings) expect(Number.isFinite(r.value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws on random JSON, and reads only finite numbers (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const message = readJsonMessage(bytes(JSON.stringify(value)), FIELDS);
        for (const r of message.readings) expect(Number.isFinite(r.value)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
