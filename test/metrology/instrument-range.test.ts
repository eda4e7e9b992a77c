import { inRange, parseRange } from "@telecal/metrology";
import { describe, expect, it } from "vitest";

describe("an instrument's range text", () => {
  it("reads the intervals of data-sheet ranges, in base units", () => {
    expect(parseRange("0-1020 V DC/AC, 0-20.5 A")).toEqual([{ base: "V", min: 0, max: 1020 }, { base: "A", min: 0, max: 20.5 }]);
    expect(parseRange("100 mV-1000 V DC")).toEqual([{ base: "V", min: 0.1, max: 1000 }]);
    expect(parseRange("0-2 MPa gauge")).toEqual([{ base: "Pa", min: 0, max: 2e6 }]);
    expect(parseRange("-200-660 °C (with SPRT)")).toEqual([{ base: "°C", min: -200, max: 660 }]);
    expect(parseRange("220 g / 0.1 mg")).toEqual([{ base: "g", min: 0, max: 220 }]);
    expect(parseRange("1 mg-200 g")).toEqual([{ base: "g", min: 0.001, max: 200 }]);
    expect(parseRange("")).toEqual([]);
    expect(parseRange("see the data sheet")).toEqual([]);
  });

  it("holds a point by magnitude from zero up, signed with a negative bound, and says nothing of other units", () => {
    const fluke = parseRange("0-1020 V DC");
    expect(inRange(fluke, -10, "V")).toBe(true);
    expect(inRange(fluke, 1000, "V")).toBe(true);
    expect(inRange(fluke, 1100, "V")).toBe(false);
    expect(inRange(fluke, 100, "Ω")).toBeNull();
    expect(inRange(parseRange("0-2 MPa"), 1600, "hPa")).toBe(true);
    expect(inRange(parseRange("0-100 kPa"), 1600, "hPa")).toBe(false);
    expect(inRange(parseRange("220 g / 0.1 mg"), 0, "g")).toBe(true);
    expect(inRange(parseRange("-50-300 °C / 0.01 °C"), -60, "°C")).toBe(false);
    expect(inRange(parseRange("100 mV-1000 V"), 0.1, "V")).toBe(true);
  });
});
