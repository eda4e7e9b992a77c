import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "@telecal/server";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, CLI_START_MS } from "../../fakes/cli";
import { freePort } from "../../peers/ports";
import { TestDatabases } from "../../peers/postgres";

/** The ways a cluster cannot start, each with its reason: no Redis, no shared database. */
describe("a server process that cannot join a cluster", () => {
  const databases = new TestDatabases();
  const dataDir = mkdtempSync(join(tmpdir(), "telecal-cluster-refusal-"));
  afterAll(async () => {
    await databases.dropAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("stops at start with TC_ERR_REDIS_UNREACHABLE when nothing answers at the Redis URL, its password masked", async () => {
    const redisUrl = `redis://user:secret@127.0.0.1:${await freePort()}`;
    const started = startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, databaseUrl: await databases.fresh(), cluster: { redisUrl } });
    await expect(started).rejects.toMatchObject({ code: "TC_ERR_REDIS_UNREACHABLE" });
    await expect(started).rejects.toThrow(/\*\*\*/);
    await expect(started).rejects.not.toThrow(/secret/);
  });

  it("telecal server --redis refuses a SQLite data dir: each process would have a database of its own", () => {
    const run = spawnSync(process.execPath, [BIN, "server", "--redis", "redis://127.0.0.1:6379", "--data-dir", dataDir, "--port", "0"], { encoding: "utf8", timeout: CLI_START_MS, env: { ...process.env, DATABASE_URL: "" } });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("--redis: several server processes share one PostgreSQL");
  });
});
