import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointDigest, Checkpointer, checkpointText, recordsDb, signCheckpoint, startServer, type TelecalServer, verifyLog } from "@telecal/server";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";

/** Where a test's server keeps its data: its own data dir, and its own PostgreSQL database if any. */
export interface Place {
  dataDir: string;
  databaseUrl?: string;
}

const T = 1_795_000_000_000;
const MINUTE = 60_000;

/**
 * Issue 22, finding 1: checkpoints deleted from the log's history, records no checkpoint covers,
 * a tree that shrank or forked, and swapped records all passed `telecal verify` or were reported
 * only as "root does not match". Version 2 checkpoints chain to each other and keep their leaves.
 */
export function cutCheckpointsSuite(name: string, database: () => Promise<string | undefined>, done: () => Promise<void>) {
  describe(`issue 22 finding 1, cut checkpoints, uncovered records, shrunk and forked trees, on ${name}`, () => {
    const dirs: string[] = [];
    const servers: TelecalServer[] = [];
    afterAll(async () => {
      for (const s of servers) await s.close().catch(() => undefined);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      await done();
    });
    const places = new Map<TelecalServer, Place>();
    /** A server on a new place, or another process on the place of `on` (the first one's interval is off: it signs nothing meanwhile). */
    const start = async (on?: TelecalServer): Promise<TelecalServer> => {
      let place = on && places.get(on);
      if (!place) {
        const dataDir = mkdtempSync(join(tmpdir(), "telecal-cut-"));
        dirs.push(dataDir);
        const databaseUrl = await database();
        place = { dataDir, ...(databaseUrl ? { databaseUrl } : {}) };
      }
      const server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, ...place, records: { checkpointIntervalMs: 0 } });
      servers.push(server);
      places.set(server, place);
      return server;
    };
    /** `n` manual entries of session/s1 and registry changes, alternating, one `stepMs` apart from `t0`. */
    const append = async (server: TelecalServer, n: number, t0: number, stepMs: number) => {
      for (let i = 0; i < n; i++) {
        const stream = i % 2 === 0 ? "session/s1" : "registry";
        await server.store.records.append({ kind: i % 2 === 0 ? "manual-entry" : "registry-change", stream, actor: "user:tech", payload: { i, t: t0 + i * stepMs } }, t0 + i * stepMs);
      }
    };
    const verify = (server: TelecalServer) => verifyLog(server.store.db, { trustedKeys: [server.checkpoints.key.publicKey] });
    const exec = (server: TelecalServer, q: ReturnType<typeof sql>) => q.execute(server.store.db);

    it("each checkpoint says its seq and the hash of the one before; one deleted from the middle is named", async () => {
      const server = await start();
      for (let k = 0; k < 3; k++) {
        await append(server, 4, T + k * MINUTE, 1000);
        expect(await server.checkpoints.checkpoint(T + k * MINUTE + 10_000)).toMatchObject({ seq: k + 1, treeSize: 4 * (k + 1) });
      }
      expect(await verify(server)).toMatchObject({ ok: true, checkpoints: 3, uncovered: null });
      await exec(server, sql`delete from record_checkpoints where tree_size = 8`);
      const report = await verify(server);
      expect(report.ok).toBe(false);
      expect(report.firstBadCheckpoint).toMatchObject({ treeSize: 12, reason: expect.stringContaining("checkpoint seq 2 is missing from the kept history") });
    });

    it("version 1 checkpoints still verify, and the first v2 one counts them: a deleted v1 checkpoint is named too", async () => {
      const server = await start();
      await append(server, 4, T, 1000);
      // What a server from before version 2 signed and stored.
      const v1 = signCheckpoint({ treeSize: 4, rootHash: await server.checkpoints.rootAt(4), time: T + 5000, keyId: server.checkpoints.key.publicKey.keyId }, server.checkpoints.key);
      expect(checkpointText(v1)).toMatch(/^telecal record log checkpoint v1\n4\n/);
      await exec(server, sql`insert into record_checkpoints (tree_size, root_hash, created_at, key_id, signature) values (4, ${v1.rootHash}, ${v1.time}, ${v1.keyId}, ${v1.signature})`);
      await append(server, 4, T + MINUTE, 1000);
      expect(await server.checkpoints.checkpoint(T + MINUTE + 5000)).toMatchObject({ seq: 2, treeSize: 8, prevHash: checkpointDigest(v1) });
      expect(await verify(server)).toMatchObject({ ok: true, checkpoints: 2 });
      await exec(server, sql`delete from record_checkpoints where tree_size = 4`);
      expect((await verify(server)).firstBadCheckpoint).toMatchObject({ treeSize: 8, reason: expect.stringContaining("checkpoint seq 1 is missing") });
    });

    it("records left uncovered for longer than the interval fail, naming the first; a killed server's last seconds are only reported", async () => {
      const server = await start();
      // Ten minutes of records with a checkpoint each minute, as a running server signs them.
      for (let k = 0; k < 10; k++) {
        await append(server, 3, T + k * MINUTE, 1000);
        await server.checkpoints.checkpoint(T + k * MINUTE + 5000);
      }
      // Records after the last checkpoint, appended within its interval: what a SIGKILL leaves.
      await append(server, 2, T + 10 * MINUTE, 1000);
      const killed = await verify(server);
      expect(killed).toMatchObject({ ok: true, uncovered: { count: 2, firstId: 31, firstAt: T + 10 * MINUTE } });
      // The forger deletes the checkpoints of the last six minutes, which cover records 13..30.
      await exec(server, sql`delete from record_checkpoints where tree_size > 12`);
      const report = await verify(server);
      expect(report.ok).toBe(false);
      expect(report.uncovered).toMatchObject({ count: 20, firstId: 13 });
      expect(report.firstBadRecord).toMatchObject({ id: 13, kind: "manual-entry", stream: "session/s1", reason: expect.stringContaining("no checkpoint covers it or the 19 records after it") });
    });

    it("the server signs a checkpoint when it starts, over the records a killed server left uncovered", async () => {
      const server = await start();
      await append(server, 3, Date.now(), 1);
      const before = await server.checkpoints.latest();
      // What a SIGKILL leaves: records, and no checkpoint signed at the stop.
      await append(server, 2, Date.now(), 1);
      expect((await verify(server)).uncovered).toMatchObject({ count: 5 - (before?.treeSize ?? 0) });
      const again = await start(server);
      expect(await again.checkpoints.latest()).toMatchObject({ treeSize: 5 });
      expect(await verify(again)).toMatchObject({ ok: true, uncovered: null });
    });

    it("a checkpoint signed over a cut log beside the longer one that was kept: the tree shrank", async () => {
      const server = await start();
      await append(server, 10, T, 1000);
      const longer = (await server.checkpoints.checkpoint(T + 20_000))!;
      const row = (await sql<Record<string, unknown>>`select * from record_checkpoints`.execute(server.store.db)).rows[0]!;
      await exec(server, sql`delete from record_checkpoints`);
      await exec(server, sql`delete from records where id > 6`);
      // What a server restarted on the cut log signs (the checkpoint file beside its key gone too).
      const restarted = new Checkpointer(recordsDb(server.store.db), server.store.dialect, server.checkpoints.key);
      expect(await restarted.checkpoint(T + 40_000)).toMatchObject({ seq: 1, treeSize: 6 });
      await exec(server, sql`insert into record_checkpoints (tree_size, root_hash, created_at, key_id, signature, seq, prev_hash, leaves)
        values (${longer.treeSize}, ${longer.rootHash}, ${longer.time}, ${longer.keyId}, ${longer.signature}, ${longer.seq}, ${longer.prevHash}, ${row["leaves"]})`);
      const report = await verify(server);
      expect(report.ok).toBe(false);
      expect(report.firstBadCheckpoint).toMatchObject({ treeSize: 6, reason: expect.stringContaining("the tree shrank: seq 1, signed after seq 1 (tree size 10), covers 6 records") });
    });

    it("a forked tree: the tail cut and other records appended in its place; the first replaced record is named", async () => {
      const server = await start();
      await append(server, 10, T, 1000);
      await server.checkpoints.checkpoint(T + 20_000);
      await exec(server, sql`delete from records where id > 6`);
      await append(server, 5, T + 30_000, 1000);
      expect(await server.checkpoints.checkpoint(T + 60_000)).toMatchObject({ seq: 2, treeSize: 11 });
      const report = await verify(server);
      expect(report.ok).toBe(false);
      expect(report.firstBadCheckpoint).toMatchObject({ treeSize: 10, reason: "root does not match records 1..10" });
      expect(report.firstBadRecord).toMatchObject({ id: 7, kind: "manual-entry", stream: "session/s1", reason: expect.stringContaining("its leaf is not the one checkpoint 10 signed") });
    });

    it("two records of different streams swapped (their chains intact) are named, not only a root that does not match", async () => {
      const server = await start();
      await append(server, 8, T, 1000);
      await server.checkpoints.checkpoint(T + 20_000);
      await exec(server, sql`update records set id = 0 where id = 4`);
      await exec(server, sql`update records set id = 4 where id = 5`);
      await exec(server, sql`update records set id = 5 where id = 0`);
      const report = await verify(server);
      expect(report.ok).toBe(false);
      expect(report.firstBadRecord).toMatchObject({ id: 4, kind: "manual-entry", stream: "session/s1", reason: expect.stringContaining("its leaf is not the one checkpoint 8 signed") });
    });
  });
}
