import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Running, runTelecal } from "../fakes/cli";
import { requireTool } from "./require-tool";

const run = promisify(execFile);

/** lxi-tools (Debian) is an independent SCPI client: it proves the simulator speaks raw-socket SCPI. */
describe("lxi-tools queries `telecal sim keysight-34465a` over raw TCP", () => {
  let sim: Running;
  let port: number;
  let lxi: string;
  beforeAll(async () => {
    lxi = requireTool("lxi");
    sim = await runTelecal(["sim", "keysight-34465a", "--tcp", "0"], /listening on tcp:\/\/[\d.]+:\d+/);
    port = Number(/:(\d+)\n/.exec(sim.stdout())![1]);
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it("answers *IDN?", async () => {
    const { stdout } = await run(lxi, ["scpi", "-r", "-a", "127.0.0.1", "-p", String(port), "*IDN?"]);
    expect(stdout.trim()).toBe("Keysight Technologies,34465A,MY59001234,A.03.01-02.40-03.01-00.52-03-02");
  });

  it("answers a DC voltage measurement", async () => {
    const { stdout } = await run(lxi, ["scpi", "-r", "-a", "127.0.0.1", "-p", String(port), "MEAS:VOLT:DC?"]);
    // NR3 as the real meter prints it; the simulated 10 V carries noise of a few µV either side.
    expect(stdout.trim()).toMatch(/^[+-]\d\.\d{8}E[+-]\d{2}$/);
    expect(Math.abs(Number(stdout.trim()) - 10)).toBeLessThan(1e-4);
  });
});
