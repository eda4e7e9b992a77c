import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BIN } from "../fakes/cli";

const run = promisify(execFile);

type Estimate = { value: number; u: number };
/** What `telecal fit` prints. */
type FitOutput = {
  intercept: Estimate;
  slope: Estimate;
  correlation: number;
  residualStandardDeviation: number;
  dof: number;
  predictions: { x: number; y: number; u: number }[];
};
const EXAMPLE = fileURLToPath(new URL("../../docs/examples/gum-h3-thermometer.json", import.meta.url));

describe("telecal fit FILE.json", () => {
  it("GUM H.3 thermometer calibration: intercept, slope, their u and correlation, s, dof, prediction at 30 °C", async () => {
    const { stdout } = await run(process.execPath, [BIN, "fit", EXAMPLE], { timeout: 120_000 });
    const f = JSON.parse(stdout) as FitOutput;
    expect(f.intercept.value).toBeCloseTo(-0.1712, 4);
    expect(f.intercept.u).toBeCloseTo(0.0029, 4);
    expect(f.slope.value).toBeCloseTo(0.00218, 5);
    expect(f.slope.u).toBeCloseTo(0.00067, 5);
    expect(f.correlation).toBeCloseTo(-0.93, 3);
    expect(f.residualStandardDeviation).toBeCloseTo(0.0035, 4);
    expect(f.dof).toBe(9);
    expect(f.predictions).toHaveLength(1);
    expect(f.predictions[0]?.x).toBe(30);
    expect(f.predictions[0]?.y).toBeCloseTo(-0.1494, 4);
    expect(f.predictions[0]?.u).toBeCloseTo(0.0041, 4);
  }, 120_000);

  it("refuses x and y of different lengths, and an unknown field, naming the field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "telecal-fit-"));
    const cases: [unknown, string][] = [
      [{ x: [1, 2, 3, 4], y: [1, 2, 3] }, "TC_ERR_FIT_INVALID: line fit FILE: y: has 3 values, x has 4"],
      [{ x: [1, 2, 3], y: [1, 2, 3], weights: [1, 1, 1] }, 'TC_ERR_FIT_INVALID: line fit FILE: (root): Unrecognized key: "weights"'],
    ];
    const results = await Promise.all(
      cases.map(([content], i) => {
        const file = join(dir, `f${i}.json`);
        writeFileSync(file, JSON.stringify(content));
        return run(process.execPath, [BIN, "fit", file], { timeout: 120_000 }).then(
          () => ({ code: 0, stderr: "", file }),
          (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr, file }),
        );
      }),
    );
    results.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(cases[i]![1].replace("FILE", r.file));
    });
  }, 120_000);
});
