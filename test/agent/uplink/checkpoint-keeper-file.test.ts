import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHECKPOINT_FILE, CheckpointKeeper, type Logger, silentLogger } from "@telecal/agent";
import { afterEach, describe, expect, it } from "vitest";

describe("the agent's kept checkpoint file when it is not a checkpoint", () => {
  const dir = mkdtempSync(join(tmpdir(), "telecal-keeper-file-"));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("moves it aside (kept as possible evidence), logs it at error, and starts afresh", () => {
    const file = join(dir, CHECKPOINT_FILE);
    writeFileSync(file, "{\"checkpoint\": \"edited by hand\"}");
    const errors: string[] = [];
    const log: Logger = { ...silentLogger, error: (_obj, msg) => errors.push(msg ?? "") };
    const keeper = new CheckpointKeeper({ file, agentId: "lab-k", log, ask: () => Promise.reject(new Error("no server")), logKeys: () => Promise.resolve([]) });
    expect(keeper.checkpoint).toBeNull();
    expect(existsSync(file)).toBe(false);
    const aside = readdirSync(dir).filter((f) => f.startsWith(`${CHECKPOINT_FILE}.invalid-`));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), "utf8")).toBe("{\"checkpoint\": \"edited by hand\"}");
    expect(errors).toEqual(["the kept checkpoint file is not a saved checkpoint: moved aside, starting afresh"]);
  });
});
