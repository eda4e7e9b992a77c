import { loadProcedures } from "@telecal/server";
import { describe, expect, it } from "vitest";
import { demo, type Row } from "./demo-runs";

const procedures = loadProcedures();

/** Five standard deviations of the mean of `n` readings with noise `sigma`: a bound a test can trust. */
function fiveSigma(sigma: number, n: number): number {
  return (5 * sigma) / Math.sqrt(n);
}

/** Every point has U = k·u > 0, the procedure's k = 2, and a decision by the procedure's rule (a range check by the simple rule). */
function expectUncertainty(p: Row, rule: string): void {
  expect(p.U, p.point).toBeGreaterThan(0);
  expect(p.k, p.point).toBe(2);
  expect(p.U, p.point).toBeCloseTo(p.k * p.u, 15);
  expect(p.decision.rule, p.point).toBe(p.check === "range" ? "simple" : rule);
  expect(p.decision.label.zh.length, p.point).toBeGreaterThan(0);
  expect(p.budget.length, p.point).toBeGreaterThan(0);
}

/** The error each demo point was given in its simulator (the procedure's demoErr), by point. */
function demoErrors(id: string): Map<string, number> {
  return new Map(procedures.get(id)!.points.map((p) => [p.id, p.vars["demoErr"] ?? 0]));
}

/** Each shipped procedure's demo run: the errors are the simulators' own, within their noise. */
export function calibrateResultsSuite(): void {
  describe("telecal calibrate --demo: each shipped procedure end to end on the simulated bench", () => {
    it("DMM DC voltage and resistance (JJF 1587): the meter's error is its simulated one (1.2 µV; 12 ppm + 1 mΩ), within its noise", async () => {
      const out = await demo("dmm-dcv-jjf1587");
      const procedure = procedures.get("dmm-dcv-jjf1587")!;
      expect(out.binding).toEqual({ calibrator: "cal1", dmm: "dmm1" });
      expect(out.points.map((p) => p.point)).toEqual(procedure.points.map((p) => p.id));
      expect(out.points.map((p) => p.unit)).toEqual([...Array(6).fill("V"), ...Array(6).fill("Ω")]);
      for (const p of out.points) {
        const { vars, function: fn, range } = procedure.points.find((q) => q.id === p.point)!;
        expect(p.readings).toEqual({ indication: 10 });
        expect(p.reference, p.point).toBe(p.nominal);
        if (fn === "dcv") {
          // 4 µV noise per reading: the mean of ten lies within 5σ of the offset.
          expect(Math.abs(p.error - 0.0000012), p.point).toBeLessThan(fiveSigma(0.000004, 10));
        } else {
          // The simulated meter reads 12 ppm + 1 mΩ high, with 0.3 mΩ + 0.3 ppm of noise per reading.
          expect(Math.abs(p.error - (0.000012 * p.nominal + 0.001)), p.point).toBeLessThan(fiveSigma(0.0003 + 0.0000003 * p.nominal, 10));
          // U = 2·u: the calibrator's 99 % figure over 2.58 and the resolution, plus at most 5σ of the mean.
          const typeB = ((vars["srcRel"]! * p.nominal + vars["srcAbs"]!) / 2.58) ** 2 + (vars["res"]! / 2) ** 2 / 3;
          expect(p.U, p.point).toBeGreaterThanOrEqual(2 * Math.sqrt(typeB) * (1 - 1e-12));
          expect(p.U, p.point).toBeLessThan(2 * Math.sqrt(typeB + fiveSigma(0.0003 + 0.0000003 * p.nominal, 10) ** 2));
          expect(p.mpe, p.point).toBeCloseTo(vars["rdg"]! * p.nominal + vars["rng"]! * range!, 9);
        }
        expectUncertainty(p, "simple");
        // The calibrator's contribution (its spec at k = 2.58) is in the budget.
        expect(p.budget.find((b) => b.name === "reference")!.contribution, p.point).toBeGreaterThan(0);
        expect(p.decision.code, p.point).toBe("pass");
      }
    }, 120_000);

    it("balance (JJG 1036): weights placed by the demo technician, each error the simulated one", async () => {
      const out = await demo("balance-jjg1036");
      const expected = demoErrors("balance-jjg1036");
      expect(out.points).toHaveLength(11);
      for (const p of out.points) {
        // The balance's noise is 0.04 mg per reading.
        expect(Math.abs(p.error - expected.get(p.point)!), p.point).toBeLessThan(fiveSigma(0.00004, p.readings["indication"]!));
        expectUncertainty(p, "jjf-1094");
        // Demo errors are well inside ±0.5 e and U is far below MPEV/3: 合格 throughout.
        expect(p.decision, p.point).toMatchObject({ code: "pass", label: { zh: "合格" } });
      }
      const repeat = out.points.find((p) => p.point === "repeat-200g")!;
      expect(repeat.readings).toEqual({ reference: 1, indication: 6 });
      expect(repeat).toMatchObject({ check: "range" });
      expect(repeat.range).toBeGreaterThanOrEqual(0);
      expect(repeat.range).toBeLessThan(repeat.mpe);
    }, 120_000);

    it("pressure gauge (JJG 52): readings typed by eye against the controller, up and down strokes", async () => {
      const out = await demo("pressure-gauge-jjg52");
      const expected = demoErrors("pressure-gauge-jjg52");
      expect(out.points.map((p) => p.point)).toEqual(["up-0", "up-400", "up-800", "up-1200", "up-1600", "down-1200", "down-800", "down-400", "down-0"]);
      for (const p of out.points) {
        expect(p.readings).toEqual({ reference: 3, indication: 1 });
        // The controller's noise is 0.004 hPa per reading; the typed value is exact.
        expect(Math.abs(p.error - expected.get(p.point)!), p.point).toBeLessThan(fiveSigma(0.004, 3));
        expectUncertainty(p, "jjf-1094");
        // Reading by eye (±2 hPa) dominates: U about 2.4 hPa against MPE 25.6 hPa.
        expect(p.U, p.point).toBeGreaterThan(2.3);
        expect(p.U, p.point).toBeLessThan(2.6);
        expect(p.decision.code, p.point).toBe("pass");
      }
    }, 120_000);

    it("thermometer in a bath: the MQTT thermometer's error 0.1 °C + 0.2 % of the temperature, against the reference readout", async () => {
      const out = await demo("thermometer-bath");
      expect(out.binding).toEqual({ reference: "ref1", sensor: "tm-01" });
      for (const p of out.points) {
        expect(p.readings).toEqual({ reference: 5, indication: 5 });
        // The sensor publishes 0.01 °C steps with 0.02 °C noise (its rounding adds at most 0.005 °C).
        expect(Math.abs(p.error - (0.1 + 0.002 * p.nominal)), p.point).toBeLessThan(fiveSigma(0.02, 5) + 0.005);
        expectUncertainty(p, "simple");
        expect(p.decision.code, p.point).toBe("pass");
      }
      // The correction reference − indication against the indication: −0.1 °C − 0.002·t, fitted by GUM H.3.
      const curve = out.curve!;
      expect(curve.points.map((q) => q.point)).toEqual(["t0", "t20", "t40", "t60", "t80"]);
      expect(curve.dof).toBe(3);
      expect(Math.abs(curve.intercept.value + 0.1)).toBeLessThan(0.03);
      expect(Math.abs(curve.slope.value + 0.002)).toBeLessThan(0.0006);
      expect(curve.intercept.u).toBeGreaterThan(0);
      expect(curve.correlation).toBeLessThan(0);
    }, 120_000);
  });
}
