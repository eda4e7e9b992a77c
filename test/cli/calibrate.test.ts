import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/run-cli";

// The demo runs of each procedure are tested in cert.test.ts (calibrate-results.ts), on the runs that
// also make its certificates: a demo run is the slowest thing the CLI's tests do.
describe("telecal calibrate", () => {
  it("lists the procedures (in process, as bin/telecal.js runs it)", async () => {
    let stdout = "";
    expect(await runCli(["calibrate", "--list"], { stdout: (t) => (stdout += t), stderr: () => undefined })).toBe(0);
    expect(stdout).toMatch(/^dmm-dcv-jjf1587\s+校准 calibration\s+JJF 1587-2016\s+数字多用表直流电压和电阻校准/m);
    expect(stdout.trim().split("\n")).toHaveLength(4);
  });

  it("refuses an unknown procedure, naming the known ones (in process)", async () => {
    let stderr = "";
    expect(await runCli(["calibrate", "--procedure", "nope", "--demo"], { stdout: () => undefined, stderr: (t) => (stderr += t) })).toBe(2);
    expect(stderr).toMatch(/TC_ERR_UNKNOWN_PROCEDURE: no procedure nope; known: balance-jjg1036, /);
  });
});
