import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BIN } from "../fakes/cli";

const run = promisify(execFile);

describe("telecal sim", () => {
  it("--list names the shipped simulators", async () => {
    const { stdout } = await run(process.execPath, [BIN, "sim", "--list"]);
    expect(stdout).toMatch(/^keysight-34465a\tscpi\ttcp 5025\t/m);
  });

  it("refuses an unknown name with a registry code", async () => {
    const err = await run(process.execPath, [BIN, "sim", "nope", "--tcp", "0"]).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2 });
    expect((err as { stderr: string }).stderr).toContain("TC_ERR_UNKNOWN_SIMULATOR");
  });

  it("agent names a bad config file, key and line", async () => {
    const err = await run(process.execPath, [BIN, "agent", "--config", "/nonexistent.yaml"]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((err as { stderr: string }).stderr).toContain("TC_ERR_CONFIG_READ: /nonexistent.yaml: cannot read");
  });
});
