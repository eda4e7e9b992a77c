import { readFileSync } from "node:fs";
import { budgetReport, evaluateBudget, fitStraightLine } from "@telecal/metrology";
import { describe, expect, it } from "vitest";

function example(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../docs/examples/${name}`, import.meta.url), "utf8"));
}

describe("published worked examples", () => {
  it("GUM H.1 end gauge: u_c = 32 nm, ν_eff = 16, k = t99(16) = 2.92, U99 = 93 nm", () => {
    const r = evaluateBudget(example("gum-h1-end-gauge.json"), { where: "gum-h1-end-gauge.json" });
    expect(r.lpu.value).toBeCloseTo(50.000838, 6);
    expect(r.lpu.u * 1e6).toBeCloseTo(31.7, 1); // GUM: u_c² = 1002 nm², u_c = 32 nm
    // GUM rounds its contributions first and gets 16.7; unrounded they give 16.75.
    expect(Math.abs(r.lpu.dofEffective - 16.7)).toBeLessThan(0.1);
    expect(r.lpu.dof).toBe(16);
    expect(r.lpu.k).toBeCloseTo(2.92, 2);
    // GUM multiplies the rounded u_c = 32 nm: 93 nm; unrounded 2.92 × 31.7 nm = 92.5 nm.
    expect(Math.abs(r.lpu.U * 1e6 - 93)).toBeLessThan(1);
    expect(Math.round(r.lpu.u * 1e6)).toBe(32);
    const row = (n: string) => r.lpu.budget.find((b) => b.name === n)!;
    // Table H.1: contributions in nm; θ and α_s have a zero sensitivity at first order.
    expect(row("ls").contribution * 1e6).toBeCloseTo(25, 6);
    expect(row("dtheta").contribution * 1e6).toBeCloseTo(16.6, 1);
    expect(row("dalpha").contribution * 1e6).toBeCloseTo(2.9, 1);
    expect(row("dtheta").sensitivity).toBeCloseTo(-50.000623 * 11.5e-6, 12);
    expect(row("theta").sensitivity).toBe(0);
    expect(row("alphas").contribution).toBe(0);
    expect(r.lpu.budget.every((b) => b.sensitivityMethod === "symbolic")).toBe(true);
    // The same at 95 %: t95(16) = 2.12.
    const at95 = evaluateBudget({ ...(example("gum-h1-end-gauge.json") as object), coverage: { probability: 0.95 } });
    expect(at95.lpu.k).toBeCloseTo(2.12, 2);
  });

  it("GUM H.1 by Monte Carlo: the second-order term l_s·δα·θ adds, as GUM H.1.7 says (u about 34 nm)", () => {
    const r = evaluateBudget(example("gum-h1-end-gauge.json"), { monteCarlo: 200_000, seed: 7 });
    const mc = r.monteCarlo!;
    expect(mc.mean).toBeCloseTo(50.000838, 5);
    // GUM H.1.7: with the second-order terms u_c = 34 nm; our δθ has t-free rectangular draws.
    expect(mc.u * 1e6).toBeGreaterThan(32);
    expect(mc.u * 1e6).toBeLessThan(37);
    expect(mc.interval.low).toBeLessThan(mc.mean);
    expect(mc.interval.high).toBeGreaterThan(mc.mean);
    expect(mc.interval.probability).toBe(0.99);
  });

  it("EA-4/02 S2, 10 kg weight: m_X = 10 000.025 g, u = 29.3 mg, U = 59 mg (k = 2)", () => {
    const r = evaluateBudget(example("ea-4-02-s2-weight.json"));
    expect(r.lpu.value).toBeCloseTo(10000.025, 9);
    // EA-4/02 prints 29.3 mg; its rounded contributions give 29.24 mg.
    expect(Math.abs(r.lpu.u * 1000 - 29.3)).toBeLessThan(0.1);
    expect(r.lpu.k).toBe(2);
    // EA doubles the rounded 29.3 mg: 59 mg; unrounded 58.5 mg.
    expect(Math.abs(r.lpu.U * 1000 - 59)).toBeLessThan(1);
    expect(r.lpu.budget.map((b) => Number((b.contribution * 1000).toFixed(2)))).toEqual([22.5, 8.66, 14.4, 5.77, 5.77]);
    // F1 tolerance ±50 mg with U = 59 mg > MPEV/3: JJF 1094 leaves |Δ| = 25 mg 待定 (within MPEV: a conditional pass).
    expect(r.decision).toMatchObject({ rule: "jjf-1094", code: "conditional-pass", label: { zh: "待定" }, uncertaintyRequirementMet: false });
    const json = JSON.stringify(budgetReport(r));
    expect(json).not.toMatch(/NaN|Infinity/);
    expect(budgetReport(r).dof).toBeNull();
  });

  it("GUM H.3 thermometer: y1 = −0.1712 °C, y2 = 0.00218, s = 0.0035 °C, u(y1) = 0.0029, u(y2) = 0.00067, r = −0.930; at 30 °C b = −0.1494, u = 0.0041", () => {
    const f = fitStraightLine(example("gum-h3-thermometer.json") as never);
    expect(f.intercept.value).toBeCloseTo(-0.1712, 4);
    expect(f.slope.value).toBeCloseTo(0.00218, 5);
    expect(f.residualStandardDeviation).toBeCloseTo(0.0035, 4);
    expect(f.intercept.u).toBeCloseTo(0.0029, 4);
    expect(f.slope.u).toBeCloseTo(0.00067, 5);
    expect(f.correlation).toBeCloseTo(-0.93, 3);
    expect(f.dof).toBe(9);
    expect(f.predictions[0]!.y).toBeCloseTo(-0.1494, 4);
    expect(f.predictions[0]!.u).toBeCloseTo(0.0041, 4);
  });

  it("NIST TN 1900 E2 (thermometer readings, Type A): mean 25.59 °C, u = 0.872 °C, 21 dof, 95 % interval ±1.8 °C", () => {
    // Daily maximum temperatures of May 2012 (22 days), model: τ = t.
    const t = [18.75, 28.25, 25.75, 28, 28.5, 20.75, 21, 22.75, 18.5, 27.25, 20.75, 26.5, 28, 23.25, 28, 21.75, 26, 26.5, 28, 33.25, 32, 29.5];
    const r = evaluateBudget({ measurand: { name: "τ", unit: "°C" }, model: "t", inputs: { t: { readings: t } }, coverage: { probability: 0.95 } });
    expect(r.lpu.value).toBeCloseTo(25.59, 2);
    expect(r.lpu.u).toBeCloseTo(0.872, 3);
    expect(r.lpu.dof).toBe(21);
    expect(r.lpu.k).toBeCloseTo(2.08, 2);
    expect(r.lpu.U).toBeCloseTo(1.8, 1);
  });
});
