import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../fakes/bench";
import { BIN } from "../fakes/cli";
import { type Stack, startStack } from "../fakes/stack";

const run = promisify(execFile);

describe("telecal export", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ intervalMs: 20 });
    await waitFor("30 acked readings", () => ((stack.server.hub.snapshot().history["lab-test:dmm1.dcv"]?.length ?? 0) >= 30 ? true : undefined));
    await stack.agent.stop();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("writes the stream's stored readings as CSV and JSON, the same rows as the store", async () => {
    const stored = await stack.server.store.readings.readings("lab-test", "dmm1.dcv", -1, 100_000);
    const args = [BIN, "export", "--stream", "lab-test:dmm1.dcv", "--data-dir", stack.dataDir];
    const csv = (await run(process.execPath, args, { maxBuffer: 1 << 26 })).stdout.trimEnd().split("\n");
    expect(csv[0]).toBe("seq,utc,t_ms,value,unit,flags,clock_offset_ms,clock_uncertainty_ms,historical");
    expect(csv.slice(1).map((l) => Number(l.split(",")[0]))).toEqual(stored.map((r) => r.seq));
    expect(csv.slice(1).map((l) => Number(l.split(",")[3]))).toEqual(stored.map((r) => r.value));
    expect(csv[1]!.split(",")[1]).toBe(new Date(stored[0]!.t).toISOString());

    const json = JSON.parse((await run(process.execPath, [...args, "--format", "json", "--after", "9"], { maxBuffer: 1 << 26 })).stdout) as { stream: unknown; readings: { seq: number }[] };
    expect(json.stream).toMatchObject({ id: "lab-test:dmm1.dcv", unit: "V", quantity: "voltage" });
    expect(json.readings.map((r) => r.seq)).toEqual(stored.filter((r) => r.seq > 9).map((r) => r.seq));
  });

  it("names an unknown stream and a missing data dir", async () => {
    const unknown = await run(process.execPath, [BIN, "export", "--stream", "lab-test:nope", "--data-dir", stack.dataDir]).catch((e: { stderr: string }) => e);
    expect(unknown.stderr).toContain("TC_ERR_UNKNOWN_STREAM");
    const missing = await run(process.execPath, [BIN, "export", "--stream", "a:b", "--data-dir", "/nonexistent"]).catch((e: { stderr: string }) => e);
    expect(missing.stderr).toContain("TC_ERR_CONFIG_READ");
  });
});
