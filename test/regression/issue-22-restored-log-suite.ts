import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CheckpointResponse, InclusionProofResponse, isTelecalError, LogRegressionPayload } from "@telecal/protocols";
import { CHECKPOINT_FILE, DATABASE_FILE, readCheckpointFile, startServer, Store, type TelecalServer, verifyInclusion, verifyLog } from "@telecal/server";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, CLI_START_MS, runTelecal } from "../fakes/cli";
import { batch, hello } from "../server/store/store-suite";

/** A test's own data dir (the key and the checkpoint file) and, on PostgreSQL, its own database. */
interface Place {
  dataDir: string;
  databaseUrl?: string;
}

/**
 * Issue 22, finding 1: with its tail cut (records, readings and the checkpoint that covered them)
 * the log started again, the server signed a fresh checkpoint over it and GET
 * /api/records/checkpoint went back from tree size 92,584 to 45,100 without a word. The server now
 * keeps its last checkpoint beside its key and refuses such a log (TC_ERR_LOG_REGRESSED), unless
 * told it is a restore from backup (`--accept-restored-log`), which it records in the log.
 */
export function restoredLogSuite(name: string, database: () => Promise<string | undefined>, done: () => Promise<void>) {
  describe(`issue 22 finding 1, a log older than its last checkpoint, on ${name}`, () => {
    const dirs: string[] = [];
    const servers: TelecalServer[] = [];
    afterAll(async () => {
      for (const s of servers) await s.close().catch(() => undefined);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      await done();
    });
    const run = async (place: Place, acceptRestoredLog = false) => {
      const server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, ...place, records: { checkpointIntervalMs: 0, acceptRestoredLog } });
      servers.push(server);
      return server;
    };
    /** A stopped server that stored 4 batches of 5 readings (records 1..4) and signed a checkpoint at its stop. */
    const stopped = async (): Promise<Place> => {
      const dataDir = mkdtempSync(join(tmpdir(), "telecal-restored-"));
      dirs.push(dataDir);
      const databaseUrl = await database();
      const place = { dataDir, ...(databaseUrl ? { databaseUrl } : {}) };
      const server = await run(place);
      await server.store.announce(hello("lab-a"));
      for (let i = 0; i < 4; i++) await server.store.readings.storeBatch("lab-a", batch(i * 5, 5));
      await server.close();
      return place;
    };
    /** What the probe did: records 3 and 4, their readings and the checkpoint covering them removed. */
    const cutTail = async (place: Place) => {
      const store = await open(place);
      try {
        await sql`delete from records where id > 2`.execute(store.db);
        await sql`delete from readings where seq >= 10`.execute(store.db);
        await sql`delete from record_checkpoints where tree_size > 2`.execute(store.db);
      } finally {
        await store.close();
      }
    };
    const open = (place: Place) => Store.open(place.databaseUrl ?? `sqlite:${join(place.dataDir, DATABASE_FILE)}`);
    const refusal = async (place: Place): Promise<unknown> => run(place).then(() => new Error("started"), (err: unknown) => err);

    it("a stopped server's log with its tail cut: start is refused with TC_ERR_LOG_REGRESSED naming both sizes", async () => {
      const place = await stopped();
      expect(JSON.parse(readFileSync(join(place.dataDir, CHECKPOINT_FILE), "utf8"))).toMatchObject({ version: 1, checkpoint: { treeSize: 4, seq: 1 } });
      await cutTail(place);
      const err = await refusal(place);
      expect(isTelecalError(err, "TC_ERR_LOG_REGRESSED")).toBe(true);
      expect((err as Error).message).toContain("the log holds 2 records, the last checkpoint (seq 1,");
      expect((err as Error).message).toContain("covers 4 records");
      // Refused again: nothing was signed over the cut log meanwhile.
      expect(isTelecalError(await refusal(place), "TC_ERR_LOG_REGRESSED")).toBe(true);
      const store = await open(place);
      try {
        const report = await verifyLog(store.db, { keptCheckpoint: readCheckpointFile(join(place.dataDir, CHECKPOINT_FILE)) });
        expect(report.ok).toBe(false);
        expect(report.firstBadCheckpoint).toMatchObject({ treeSize: 4, reason: expect.stringContaining("is not in the database: checkpoints were deleted, or the log was cut or restored") });
        expect(report.firstBadRecord).toMatchObject({ id: 3, reason: "missing: checkpoint of size 4 covers it, the log ends at 2" });
      } finally {
        await store.close();
      }
    });

    it("a log whose first records were replaced under the same size is refused too", async () => {
      const place = await stopped();
      const store = await open(place);
      await sql`update records set created_at = created_at + 1 where id = 2`.execute(store.db);
      await store.close();
      const err = await refusal(place);
      expect(isTelecalError(err, "TC_ERR_LOG_REGRESSED")).toBe(true);
      expect((err as Error).message).toContain("the log holds 4 records, the last checkpoint (seq 1,");
      expect((err as Error).message).toContain("but its first 4 records do not give that checkpoint's root");
    });

    it("with acceptRestoredLog it starts, records the regression, and the checkpoint it serves covers that record", async () => {
      const place = await stopped();
      await cutTail(place);
      const server = await run(place, true);
      const records = (await sql<{ id: number; kind: string; stream: string; payload: string }>`select id, kind, stream, payload from records order by id`.execute(server.store.db)).rows;
      expect(records.map((r) => [Number(r.id), r.kind])).toEqual([[1, "reading-batch"], [2, "reading-batch"], [3, "log-regression"]]);
      const alarm = LogRegressionPayload.parse(JSON.parse(records[2]!.payload));
      expect(alarm).toMatchObject({ logSize: 2, lastCheckpoint: { treeSize: 4, seq: 1 }, reason: expect.stringContaining("the log holds 2 records") });
      // Not back silently: the checkpoint served covers the record of the regression, with a proof.
      const cp = (await server.app.inject({ method: "GET", url: "/api/records/checkpoint" })).json<CheckpointResponse>().checkpoint;
      // The database's own chain goes on from what it holds; the file's seq 1 over 4 records is the fork.
      expect(cp).toMatchObject({ treeSize: 3, seq: 1 });
      const proof = InclusionProofResponse.parse((await server.app.inject({ method: "GET", url: "/api/records/3/proof" })).json());
      expect(verifyInclusion(Buffer.from(proof.leafHash, "hex"), proof.leafIndex, cp.treeSize, proof.auditPath.map((h) => Buffer.from(h, "hex")), Buffer.from(cp.rootHash, "hex"))).toBe(true);
      const report = await verifyLog(server.store.db, { trustedKeys: [server.checkpoints.key.publicKey] });
      expect(report).toMatchObject({ ok: true, records: 3, readings: 10, restores: [{ recordId: 3, logSize: 2, lastTreeSize: 4 }] });
      expect(JSON.parse(readFileSync(join(place.dataDir, CHECKPOINT_FILE), "utf8"))).toMatchObject({ checkpoint: { treeSize: 3, seq: 1 } });
      await server.close();
      // The file now holds the restored log's checkpoint: the next start needs no flag.
      const again = await run(place);
      expect(await again.checkpoints.latest()).toMatchObject({ treeSize: 3 });
    });

    it("a checkpoint deleted from the database while its records are intact is put back from the file", async () => {
      const place = await stopped();
      const store = await open(place);
      await sql`delete from record_checkpoints`.execute(store.db);
      await store.close();
      const server = await run(place);
      expect(await server.checkpoints.latest()).toMatchObject({ treeSize: 4, seq: 1 });
      expect(await verifyLog(server.store.db, { trustedKeys: [server.checkpoints.key.publicKey] })).toMatchObject({ ok: true, checkpoints: 1 });
    });

    it("`telecal server` refuses the cut log with the code and exit 2, and starts on it with --accept-restored-log", async () => {
      const place = await stopped();
      await cutTail(place);
      const where = ["--data-dir", place.dataDir, ...(place.databaseUrl ? ["--database", place.databaseUrl] : [])];
      // verify compares the log with the checkpoint kept in the data dir, too.
      const verified = spawnSync(process.execPath, [BIN, "verify", ...where], { encoding: "utf8", timeout: CLI_START_MS });
      expect(verified.status).toBe(1);
      expect(verified.stdout).toContain("first bad checkpoint: tree size 4");
      expect(verified.stdout).toContain("the checkpoint kept beside the key (seq 1, signed");
      const args = ["server", "--host", "127.0.0.1", "--port", "0", ...where];
      const refused = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: CLI_START_MS });
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain("telecal: TC_ERR_LOG_REGRESSED: the record log is older than the last checkpoint this server signed: the log holds 2 records");
      expect(refused.stderr).toContain("start with --accept-restored-log");
      const accepted = await runTelecal([...args, "--accept-restored-log"], /telecal server at/);
      try {
        // The log line may reach the pipe after the ready line.
        await expect.poll(() => accepted.stderr(), { timeout: 10_000 }).toContain("accepted as a restore (--accept-restored-log), recorded");
      } finally {
        await accepted.stop();
      }
      const server = await run(place);
      expect((await server.checkpoints.latest())?.treeSize).toBe(3);
    });
  });
}
