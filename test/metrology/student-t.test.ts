import { coverageFactor, coverageProbabilityOf, normalCdf, normalQuantile, studentTCdf, studentTQuantile } from "@telecal/metrology";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("Student t and normal quantiles", () => {
  it("t quantiles to the published digits", () => {
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 6);
    expect(studentTQuantile(0.975, 16)).toBeCloseTo(2.119905, 6);
    expect(studentTQuantile(0.995, 16)).toBeCloseTo(2.920782, 6);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706205, 5);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302653, 6);
    expect(studentTQuantile(0.95, 4)).toBeCloseTo(2.131847, 6);
    expect(studentTQuantile(0.9995, 3)).toBeCloseTo(12.923979, 5);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.228139, 6);
    expect(studentTQuantile(0.975, Infinity)).toBeCloseTo(1.959964, 6);
  });

  it("GUM Table G.2: t_p(ν) for p = 68.27, 95, 95.45, 99, 99.73 %", () => {
    const table: [number, number[]][] = [
      [1, [1.84, 12.71, 13.97, 63.66, 235.8]],
      [2, [1.32, 4.3, 4.53, 9.92, 19.21]],
      [10, [1.05, 2.23, 2.28, 3.17, 3.96]],
      [20, [1.03, 2.09, 2.13, 2.85, 3.42]],
      [Infinity, [1.0, 1.96, 2.0, 2.576, 3.0]],
    ];
    const probabilities = [0.6827, 0.95, 0.9545, 0.99, 0.9973];
    for (const [nu, ks] of table) {
      probabilities.forEach((p, i) => {
        const published = ks[i]!;
        // The table rounds to two decimals (one above 100).
        const halfDigit = published >= 100 ? 0.05 : 0.005;
        expect(Math.abs(coverageFactor(p, nu) - published), `ν=${nu} p=${p}`).toBeLessThanOrEqual(halfDigit);
      });
    }
  });

  it("k = 2 covers 95.45 % of the normal, and 95.45 % needs k = 2.00", () => {
    expect(coverageProbabilityOf(2, Infinity)).toBeCloseTo(0.9545, 4);
    expect(coverageFactor(0.9545, Infinity)).toBeCloseTo(2.0, 2);
    expect(coverageFactor(0.95, 1e9)).toBeCloseTo(1.959964, 6);
  });

  it("a fractional ν_eff is truncated (GUM G.4.1): 16.7 gives t(16)", () => {
    expect(coverageFactor(0.99, 16.7)).toBeCloseTo(2.920782, 6);
    expect(coverageFactor(0.95, 0.4)).toBeCloseTo(12.706205, 5);
  });

  it("normal quantile and CDF invert each other to 1e-12", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
    fc.assert(fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => Math.abs(normalCdf(normalQuantile(p)) - p) <= 1e-12 * Math.max(1, p / 1e-3)));
  });

  it("t quantile and CDF invert each other for any p and ν", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }), fc.integer({ min: 1, max: 500 }), (p, nu) => {
        const t = studentTQuantile(p, nu);
        return Number.isFinite(t) && Math.abs(studentTCdf(t, nu) - p) < 1e-10;
      }),
    );
  });
  it("a very large finite ν (a Type A term tiny beside Type B) gives the normal's probability, not 0", () => {
    expect(coverageProbabilityOf(2, 1e20)).toBeCloseTo(0.9545, 4);
    expect(studentTCdf(2, 1e12)).toBeCloseTo(normalCdf(2), 9);
  });
});
