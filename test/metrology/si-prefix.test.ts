import { formatEngineering } from "@telecal/metrology";
import { describe, expect, it } from "vitest";

describe("formatEngineering", () => {
  it("prefixes base SI units as an instrument display does", () => {
    expect(formatEngineering(10.0000123, "V")).toBe("10.00001 V");
    expect(formatEngineering(0.0123456789, "V")).toBe("12.34568 mV");
    expect(formatEngineering(100.0021, "Ω")).toBe("100.0021 Ω");
    expect(formatEngineering(1500, "Hz")).toBe("1.500000 kHz");
    expect(formatEngineering(0, "A")).toBe("0.000000 A");
  });

  it("leaves units that already carry a prefix or take none alone", () => {
    expect(formatEngineering(1013.246, "hPa")).toBe("1013.246 hPa");
    expect(formatEngineering(23.45123, "°C")).toBe("23.45123 °C");
    expect(formatEngineering(100.00001, "g")).toBe("100.0000 g");
    expect(formatEngineering(45.2, "%RH")).toBe("45.20000 %RH");
  });
});
