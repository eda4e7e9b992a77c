import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { loadProcedures } from "@telecal/server";
import { describe, expect, it } from "vitest";
import { BIN } from "../fakes/cli";

const run = promisify(execFile);
const procedures = loadProcedures();

interface Row {
  point: string;
  nominal: number;
  reference: number | null;
  indication: number | null;
  error: number;
  mpe: number;
  readings: Record<string, number>;
}

async function demo(id: string): Promise<{ procedure: string; binding: Record<string, string>; points: Row[] }> {
  const { stdout } = await run(process.execPath, [BIN, "calibrate", "--procedure", id, "--demo", "--json"], { timeout: 120_000, maxBuffer: 1 << 24 });
  return JSON.parse(stdout);
}

/** Five standard deviations of the mean of `n` readings with noise `sigma`: a bound a test can trust. */
function fiveSigma(sigma: number, n: number): number {
  return (5 * sigma) / Math.sqrt(n);
}

/** The error each demo point was given in its simulator (the procedure's demoErr), by point. */
function demoErrors(id: string): Map<string, number> {
  return new Map(procedures.get(id)!.points.map((p) => [p.id, p.vars["demoErr"] ?? 0]));
}

describe("telecal calibrate --demo: each shipped procedure end to end on the simulated bench", () => {
  it("lists the procedures", async () => {
    const { stdout } = await run(process.execPath, [BIN, "calibrate", "--list"]);
    expect(stdout).toMatch(/^dmm-dcv-jjf1587\s+校准 calibration\s+JJF 1587-2016\s+数字多用表直流电压校准/m);
    expect(stdout.trim().split("\n")).toHaveLength(4);
  });

  it("refuses an unknown procedure, naming the known ones", async () => {
    const failed = await run(process.execPath, [BIN, "calibrate", "--procedure", "nope", "--demo"]).catch((err: { code: number; stderr: string }) => err);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toMatch(/TC_ERR_UNKNOWN_PROCEDURE: no procedure nope; known: balance-jjg1036, /);
  });

  it("DMM DC voltage (JJF 1587): the meter's error is its simulated offset of 1.2 µV, within its noise", async () => {
    const out = await demo("dmm-dcv-jjf1587");
    expect(out.binding).toEqual({ calibrator: "cal1", dmm: "dmm1" });
    expect(out.points.map((p) => p.point)).toEqual(procedures.get("dmm-dcv-jjf1587")!.points.map((p) => p.id));
    for (const p of out.points) {
      expect(p.readings).toEqual({ indication: 10 });
      expect(p.reference, p.point).toBe(p.nominal);
      // 4 µV noise per reading: the mean of ten lies within 5σ of the offset.
      expect(Math.abs(p.error - 0.0000012), p.point).toBeLessThan(fiveSigma(0.000004, 10));
    }
  }, 120_000);

  it("balance (JJG 1036): weights placed by the demo technician, each error the simulated one", async () => {
    const out = await demo("balance-jjg1036");
    const expected = demoErrors("balance-jjg1036");
    expect(out.points).toHaveLength(11);
    for (const p of out.points) {
      // The balance's noise is 0.04 mg per reading.
      expect(Math.abs(p.error - expected.get(p.point)!), p.point).toBeLessThan(fiveSigma(0.00004, p.readings["indication"]!));
    }
    expect(out.points.find((p) => p.point === "repeat-200g")!.readings).toEqual({ reference: 1, indication: 6 });
  }, 120_000);

  it("pressure gauge (JJG 52): readings typed by eye against the controller, up and down strokes", async () => {
    const out = await demo("pressure-gauge-jjg52");
    const expected = demoErrors("pressure-gauge-jjg52");
    expect(out.points.map((p) => p.point)).toEqual(["up-0", "up-400", "up-800", "up-1200", "up-1600", "down-1200", "down-800", "down-400", "down-0"]);
    for (const p of out.points) {
      expect(p.readings).toEqual({ reference: 3, indication: 1 });
      // The controller's noise is 0.004 hPa per reading; the typed value is exact.
      expect(Math.abs(p.error - expected.get(p.point)!), p.point).toBeLessThan(fiveSigma(0.004, 3));
    }
  }, 120_000);

  it("thermometer in a bath: the MQTT thermometer's error 0.1 °C + 0.2 % of the temperature, against the reference readout", async () => {
    const out = await demo("thermometer-bath");
    expect(out.binding).toEqual({ reference: "ref1", sensor: "tm-01" });
    for (const p of out.points) {
      expect(p.readings).toEqual({ reference: 5, indication: 5 });
      // The sensor publishes 0.01 °C steps with 0.02 °C noise (its rounding adds at most 0.005 °C).
      expect(Math.abs(p.error - (0.1 + 0.002 * p.nominal)), p.point).toBeLessThan(fiveSigma(0.02, 5) + 0.005);
    }
  }, 120_000);
});
