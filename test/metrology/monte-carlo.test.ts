import { evaluateInput, type InputSpec, monteCarlo, propagate, Random } from "@telecal/metrology";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const inputs = (specs: Record<string, InputSpec>) => Object.entries(specs).map(([n, s]) => evaluateInput(n, s));

describe("Monte Carlo (JCGM 101)", () => {
  it("is deterministic for a seed, and another seed gives other draws", () => {
    const xs = inputs({ a: { value: 1, u: 0.1 }, b: { value: 2, distribution: "rectangular", halfWidth: 0.3 } });
    const one = monteCarlo("a * b", xs, { draws: 10_000, probability: 0.95, seed: 42 });
    const again = monteCarlo("a * b", xs, { draws: 10_000, probability: 0.95, seed: 42 });
    const other = monteCarlo("a * b", xs, { draws: 10_000, probability: 0.95, seed: 43 });
    expect(again).toEqual(one);
    expect(other.u).not.toBe(one.u);
  });

  it("draws each distribution with its standard deviation and half-width", () => {
    const r = new Random(3);
    for (const [distribution, a] of [["rectangular", 1], ["triangular", 1], ["arcsine", 1]] as const) {
      const x = inputs({ x: { value: 5, distribution, halfWidth: a } });
      const mc = monteCarlo("x", x, { draws: 100_000, probability: 0.95, seed: r.uint32() });
      expect(mc.u, distribution).toBeCloseTo(x[0]!.u, 2);
      expect(mc.interval.low, distribution).toBeGreaterThanOrEqual(4);
      expect(mc.interval.high, distribution).toBeLessThanOrEqual(6);
    }
    // Rectangular ±1: the 95 % interval is ±0.95.
    const rect = monteCarlo("x", inputs({ x: { value: 0, distribution: "rectangular", halfWidth: 1 } }), { draws: 100_000, probability: 0.95 });
    expect(rect.interval.low).toBeCloseTo(-0.95, 2);
    expect(rect.interval.high).toBeCloseTo(0.95, 2);
  });

  it("a Type A input is a scaled, shifted t with n − 1 dof: its u is s/√n·√(ν/(ν−2))", () => {
    const readings = [10.1, 10.3, 9.9, 10.0, 10.2, 10.1, 9.8, 10.0, 10.2, 10.4];
    const x = inputs({ x: { readings } });
    const mc = monteCarlo("x", x, { draws: 200_000, probability: 0.95, seed: 5 });
    const nu = readings.length - 1;
    expect(mc.mean).toBeCloseTo(x[0]!.value, 2);
    expect(mc.u / (x[0]!.u * Math.sqrt(nu / (nu - 2)))).toBeCloseTo(1, 1);
    // The 95 % interval is x̄ ± t_0.975(9)·s/√n = ± 2.262·u.
    expect((mc.interval.high - mc.interval.low) / 2 / x[0]!.u).toBeCloseTo(2.262, 1);
  });

  it("correlated normals through Cholesky: u²(a + b) = u_a² + u_b² + 2 r u_a u_b, and r = 1 in a − b cancels", () => {
    const xs = inputs({ a: { value: 0, u: 1 }, b: { value: 0, u: 1 } });
    const sum = monteCarlo("a + b", xs, { draws: 100_000, probability: 0.95, correlations: [{ a: "a", b: "b", r: 0.5 }] });
    expect(sum.u).toBeCloseTo(Math.sqrt(3), 1);
    const lpu = propagate("a + b", xs, { coverage: { k: 2 }, correlations: [{ a: "a", b: "b", r: 0.5 }] });
    expect(lpu.u).toBeCloseTo(Math.sqrt(3), 12);
    const diff = monteCarlo("a - b", xs, { draws: 1000, probability: 0.95, correlations: [{ a: "a", b: "b", r: 1 }] });
    expect(diff.u).toBeLessThan(1e-12);
  });

  it("shortest interval of a skewed output: Y = X², X ~ N(0, 1) gives [0, 3.84]; the symmetric one [0.001, 5.02]", () => {
    const xs = inputs({ x: { value: 0, u: 1 } });
    const shortest = monteCarlo("x^2", xs, { draws: 200_000, probability: 0.95, interval: "shortest", seed: 9 });
    expect(shortest.interval.low).toBeCloseTo(0, 3);
    expect(shortest.interval.high).toBeCloseTo(3.84, 1);
    const symmetric = monteCarlo("x^2", xs, { draws: 200_000, probability: 0.95, seed: 9 });
    expect(symmetric.interval.low).toBeCloseTo(0.001, 3);
    expect(symmetric.interval.high).toBeCloseTo(5.02, 1);
  });

  it("property: for random linear models the LPU u equals the Monte Carlo u within its statistical tolerance", () => {
    const kinds = ["normal", "rectangular", "triangular", "arcsine"] as const;
    const term = fc.record({
      c: fc.double({ min: -10, max: 10, noNaN: true }).filter((c) => Math.abs(c) > 0.01),
      kind: fc.constantFrom(...kinds),
      width: fc.double({ min: 0.001, max: 5, noNaN: true }),
      value: fc.double({ min: -100, max: 100, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(term, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 2 ** 31 }), (terms, seed) => {
        const specs: Record<string, InputSpec> = {};
        terms.forEach((t, i) => {
          specs[`x${i}`] = t.kind === "normal" ? { value: t.value, u: t.width } : { value: t.value, distribution: t.kind, halfWidth: t.width };
        });
        const model = terms.map((t, i) => `(${t.c}) * x${i}`).join(" + ");
        const xs = inputs(specs);
        const lpu = propagate(model, xs, { coverage: { probability: 0.95 } });
        const mc = monteCarlo(model, xs, { draws: 20_000, probability: 0.95, seed });
        // The relative standard error of a sample standard deviation is at most about 1/√(2M) · √2 here.
        expect(Math.abs(mc.u / lpu.u - 1)).toBeLessThan(0.04);
        expect(Math.abs(mc.mean - lpu.value)).toBeLessThan((5 * lpu.u) / Math.sqrt(20_000));
      }),
      { numRuns: 15, seed: 20261201 },
    );
  }, 60_000);
});
