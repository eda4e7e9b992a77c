import { type Checkpoint, InclusionProofResponse, isTelecalError } from "@telecal/protocols";
import {
  canonicalJson,
  chainHash,
  Checkpointer,
  checkpointSignatureValid,
  ephemeralSigningKey,
  GENESIS_HASH,
  recordsDb,
  sha256Hex,
  signCheckpoint,
  Store,
  verifyInclusion,
  verifyLog,
} from "@telecal/server";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { batch, hello } from "../store/store-suite";

/** Where the suite's databases are: each test gets a fresh one, all torn down at the end. */
export interface RecordsTarget {
  name: string;
  /** Whether several server processes may share one database (PostgreSQL; SQLite: one per data dir). */
  sharedByProcesses: boolean;
  fresh(): Promise<string>;
  tearDown(): Promise<void>;
}

const T = 1_795_000_000_000;
const LAB = "lab-a/dmm1.dcv";
const key = ephemeralSigningKey();

interface Rec {
  id: number;
  stream: string;
  seq: number;
  kind: string;
  payload: string;
  payload_hash: string;
  prev_hash: string;
  hash: string;
}

/** The record log test suite, the same for every database the server runs on. */
export function recordsSuite(target: RecordsTarget): void {
  describe(`record log on ${target.name}`, () => {
    const opened: Store[] = [];
    afterAll(async () => {
      for (const s of opened) await s.close().catch(() => undefined);
      await target.tearDown();
    });
    const open = async (url?: string) => {
      const store = await Store.open(url ?? (await target.fresh()));
      opened.push(store);
      const checkpoints = new Checkpointer(recordsDb(store.db), store.dialect, key);
      await checkpoints.start();
      return { store, checkpoints };
    };
    const verify = (store: Store) => verifyLog(store.db, { trustedKeys: [key.publicKey] });
    const exec = (store: Store, q: ReturnType<typeof sql>) => q.execute(store.db);
    const records = async (store: Store) => (await sql<Rec>`select * from records order by id`.execute(store.db)).rows;

    /**
     * Records 1..7: reading batches of lab-a/dmm1.dcv at ids 1, 3, 5, 7 (seqs 0..3, readings 0..19),
     * manual entries of session/s1 at ids 2 and 6, a registry change at id 4; checkpoints at 6 and 7.
     */
    const seeded = async () => {
      const { store, checkpoints } = await open();
      await store.announce(hello("lab-a"), T);
      await store.readings.storeBatch("lab-a", batch(0, 5), T + 1);
      await store.records.append({ kind: "manual-entry", stream: "session/s1", actor: "user:tech", payload: { point: "10 V", reading: 10.00002 } }, T + 2);
      await store.readings.storeBatch("lab-a", batch(5, 5), T + 3);
      await store.records.append({ kind: "registry-change", stream: "registry", actor: "user:admin", payload: { instrument: "dmm1", role: "uut" } }, T + 4);
      await store.readings.storeBatch("lab-a", batch(10, 5), T + 5);
      await store.records.append({ kind: "manual-entry", stream: "session/s1", actor: "user:tech", payload: { point: "1 V", reading: 1.000001 } }, T + 6);
      const first = await checkpoints.checkpoint(T + 10);
      await store.readings.storeBatch("lab-a", batch(15, 5), T + 11);
      const second = await checkpoints.checkpoint(T + 20);
      expect([first?.treeSize, second?.treeSize]).toEqual([6, 7]);
      return { store, checkpoints };
    };

    /** What a forger with database access but no signing key does: recompute every chain. */
    const rechain = async (store: Store) => {
      const heads = new Map<string, string>();
      for (const r of await records(store)) {
        const prev = heads.get(r.stream) ?? GENESIS_HASH;
        const payloadHash = sha256Hex(r.payload);
        const hash = chainHash({ stream: r.stream, seq: r.seq, kind: r.kind, payloadHash, prevHash: prev });
        await exec(store, sql`update records set payload_hash = ${payloadHash}, prev_hash = ${prev}, hash = ${hash} where id = ${r.id}`);
        heads.set(r.stream, hash);
      }
    };

    it("chains each stream gap-free, gives ids 1, 2, 3 ... and verifies clean", async () => {
      const { store } = await seeded();
      const rows = await records(store);
      expect(rows.map((r) => [r.id, r.stream, r.seq])).toEqual([
        [1, LAB, 0], [2, "session/s1", 0], [3, LAB, 1], [4, "registry", 0], [5, LAB, 2], [6, "session/s1", 1], [7, LAB, 3],
      ]);
      expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
      expect(rows[2]!.prev_hash).toBe(rows[0]!.hash);
      expect(rows[1]!.payload).toBe('{"point":"10 V","reading":10.00002}');
      expect(rows[1]!.payload_hash).toBe(sha256Hex(rows[1]!.payload));
      expect(await verify(store)).toEqual({
        ok: true, records: 7, streams: 3, checkpoints: 2, readings: 20, firstBadRecord: null, firstBadCheckpoint: null, gaps: [], regressions: [],
        // The suite's batches are unsigned (signatures are tested over the socket, with enrolled keys).
        unsignedBatches: 4,
        uncovered: null,
        restores: [],
      });
    });

    it("a reading batch appends one record, in the same transaction, carrying the batch as sent and saying which readings it stored", async () => {
      const { store } = await open();
      await store.announce(hello("lab-a"), T);
      await store.readings.storeBatch("lab-a", batch(0, 5), T + 1);
      // Seqs 3 and 4 repeated as stored (a resend must), 5 to 9 new.
      await store.readings.storeBatch("lab-a", batch(3, 7, { values: [...batch(3, 7).values.slice(0, 2), 99, 99, 99, 99, 99] }), T + 2);
      await store.readings.storeBatch("lab-a", batch(0, 5), T + 3); // all stored already: no record
      await expect(store.readings.storeBatch("lab-a", batch(20, 2), T + 4)).rejects.toMatchObject({ code: "TC_ERR_SEQ_GAP" });
      const rows = await records(store);
      expect(rows).toHaveLength(2);
      const second = JSON.parse(rows[1]!.payload) as Record<string, unknown>;
      // The whole batch as the agent signed it; seqs 3 and 4 were stored by the first record.
      expect(second).toEqual({
        agentId: "lab-a",
        streamId: "dmm1.dcv",
        instrumentId: "dmm1",
        firstSeq: 3,
        storedFrom: 2,
        t: batch(3, 7).t,
        values: [...batch(3, 7).values.slice(0, 2), 99, 99, 99, 99, 99],
        flags: [0, 0, 0, 0, 0, 0, 0],
        unit: "V",
        clock: { offsetMs: -3.5, uncertaintyMs: 0.25 },
        historical: false,
        receivedAt: T + 2,
      });
      expect(rows[1]).toMatchObject({ kind: "reading-batch", stream: LAB, seq: 1, actor: "agent:lab-a", created_at: T + 2 });
      expect((await verify(store)).ok).toBe(true);
    });

    it("a batch whose insert fails leaves neither readings nor a record", async () => {
      const url = await target.fresh();
      const store = await Store.open(url, { readings: { rowsPerStatement: 2 } });
      opened.push(store);
      await store.announce(hello("lab-a"), T);
      const bad = batch(0, 6);
      bad.flags[5] = -1;
      await expect(store.readings.storeBatch("lab-a", bad)).rejects.toMatchObject({ code: "TC_ERR_STORE_FAILED" });
      expect(await records(store)).toEqual([]);
    });

    it("a correction is a new record pointing to the old one, with who, when, why, old and new; the old one stays", async () => {
      const { store } = await seeded();
      const before = (await records(store))[1]!;
      const correction = await store.records.appendCorrection(
        { recordId: 2, actor: "user:expert", reason: "transcription error", old: { reading: 10.00002 }, new: { reading: 10.00012 } },
        T + 100,
      );
      expect(correction).toMatchObject({ id: 8, kind: "correction", stream: "session/s1", seq: 2, actor: "user:expert", createdAt: T + 100 });
      expect(JSON.parse(correction.payload)).toEqual({
        corrects: { id: 2, hash: before.hash, kind: "manual-entry", seq: 0 },
        who: "user:expert",
        when: T + 100,
        why: "transcription error",
        old: { reading: 10.00002 },
        new: { reading: 10.00012 },
      });
      expect((await records(store))[1]).toEqual(before);
      expect((await store.records.correctionsOf(2)).map((r) => r.id)).toEqual([8]);
      expect((await verify(store)).ok).toBe(true);
      const err = await store.records.appendCorrection({ recordId: 99, actor: "user:x", reason: "r", old: 1, new: 2 }).catch((e: unknown) => e);
      expect(isTelecalError(err, "TC_ERR_RECORD_NOT_FOUND")).toBe(true);
      expect(await records(store)).toHaveLength(8);
    });

    it("signs a checkpoint only when there are new records, with a signature that verifies", async () => {
      const { store, checkpoints } = await seeded();
      expect(await checkpoints.checkpoint(T + 30)).toBeNull();
      const latest = (await checkpoints.latest()) as Checkpoint;
      expect(latest).toMatchObject({ treeSize: 7, time: T + 20, keyId: key.publicKey.keyId });
      expect(checkpointSignatureValid(latest, key.publicKey.spki)).toBe(true);
      expect(checkpointSignatureValid({ ...latest, treeSize: 6 }, key.publicKey.spki)).toBe(false);
      expect(checkpointSignatureValid(latest, ephemeralSigningKey().publicKey.spki)).toBe(false);
      await store.records.append({ kind: "approval", stream: "session/s1", actor: "user:expert", payload: { approved: true } });
      expect((await checkpoints.checkpoint())?.treeSize).toBe(8);
    });

    it("signs checkpoints at the interval when there are new records", async () => {
      const { store } = await open();
      const timed = new Checkpointer(recordsDb(store.db), store.dialect, key);
      await timed.start(50);
      try {
        await store.records.append({ kind: "command", stream: "session/s2", actor: "user:expert", payload: { scpi: "CONF:VOLT:DC" } });
        await expect.poll(async () => (await timed.latest())?.treeSize, { timeout: 5000 }).toBe(1);
      } finally {
        await timed.stop();
      }
    });

    it("gives inclusion proofs that verify offline against the checkpoint, and fail when tampered", async () => {
      const { store, checkpoints } = await seeded();
      for (let id = 1; id <= 7; id++) {
        const proof = InclusionProofResponse.parse(await checkpoints.proof(id));
        const root = Buffer.from(proof.checkpoint.rootHash, "hex");
        const path = proof.auditPath.map((h) => Buffer.from(h, "hex"));
        const leaf = Buffer.from(proof.leafHash, "hex");
        expect(proof).toMatchObject({ recordId: id, leafIndex: id - 1 });
        expect(verifyInclusion(leaf, proof.leafIndex, proof.checkpoint.treeSize, path, root), `record ${id}`).toBe(true);
        expect(verifyInclusion(leaf, proof.leafIndex, proof.checkpoint.treeSize, path.slice().reverse(), root) && path.length > 1).toBe(false);
        const forged = Buffer.from(leaf);
        forged[0] = forged[0]! ^ 0xff;
        expect(verifyInclusion(forged, proof.leafIndex, proof.checkpoint.treeSize, path, root)).toBe(false);
      }
      await store.records.append({ kind: "approval", stream: "session/s1", actor: "user:expert", payload: {} });
      await expect(checkpoints.proof(8)).rejects.toMatchObject({ code: "TC_ERR_RECORD_NOT_CHECKPOINTED" });
      await expect(checkpoints.proof(80)).rejects.toMatchObject({ code: "TC_ERR_RECORD_NOT_FOUND" });
    });

    it(`concurrent appends${target.sharedByProcesses ? " from two server processes" : ""} give gap-free ids and sound chains`, async () => {
      const url = await target.fresh();
      const a = (await open(url)).store;
      const b = target.sharedByProcesses ? (await open(url)).store : a;
      await a.announce(hello("lab-a"));
      await b.announce(hello("lab-b"));
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 10; i++) {
        for (const [n, s] of [[0, a], [1, b]] as const) {
          work.push(s.records.append({ kind: "session-event", stream: `session/${i % 3}`, actor: "server", payload: { i, n } }));
        }
      }
      // Each agent's batches in order (as the hub sends them), beside everything else.
      for (const [agent, s] of [["lab-a", a], ["lab-b", b]] as const) {
        work.push((async () => {
          for (let i = 0; i < 10; i++) await s.readings.storeBatch(agent, batch(i * 2, 2));
        })());
      }
      await Promise.all(work);
      const rows = await records(a);
      expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(await verify(a)).toMatchObject({ ok: true, records: 40, readings: 40 });
    });

    describe("tampering directly in the database is caught, naming the record", () => {
      it("a reading's value changed", async () => {
        const { store } = await seeded();
        await exec(store, sql`update readings set value = 10.5 where agent_id = 'lab-a' and seq = 7`);
        expect((await verify(store)).firstBadRecord).toMatchObject({ id: 3, stream: LAB, seq: 1, reason: expect.stringContaining("reading seq 7: value is 10.5") });
      });

      it("a reading added without a record", async () => {
        const { store } = await seeded();
        await exec(store, sql`insert into readings (agent_id, stream_id, seq, t, value, flags, clock_offset_ms, clock_uncertainty_ms, historical, received_at)
          values ('lab-a', 'dmm1.dcv', 20, ${T}, 1, 0, 0, 0, 0, ${T})`);
        expect((await verify(store)).firstBadRecord).toMatchObject({ id: 7, stream: LAB, reason: expect.stringContaining("holds 21 readings") });
      });

      it("a record's payload changed", async () => {
        const { store } = await seeded();
        await exec(store, sql`update records set payload = '{"point":"10 V","reading":10.00012}' where id = 2`);
        expect((await verify(store)).firstBadRecord).toMatchObject({ id: 2, stream: "session/s1", seq: 0, reason: "payload does not match its hash" });
      });

      it("a record deleted", async () => {
        const { store } = await seeded();
        await exec(store, sql`delete from records where id = 3`);
        const report = await verify(store);
        expect(report.ok).toBe(false);
        expect(report.firstBadRecord).toMatchObject({ id: 3, reason: expect.stringContaining("missing") });
        expect(report.firstBadCheckpoint).toMatchObject({ treeSize: 6 });
      });

      it("a record inserted into the middle of a stream", async () => {
        const { store } = await seeded();
        const first = (await records(store))[0]!;
        // Make room at id 3 and at seq 1 of the stream, as a forger would.
        await exec(store, sql`update records set id = -id - 1 where id >= 3`);
        await exec(store, sql`update records set id = -id where id < 0`);
        await exec(store, sql`update records set seq = -seq - 1 where stream = ${LAB} and seq >= 1`);
        await exec(store, sql`update records set seq = -seq where seq < 0`);
        const payload = canonicalJson({ note: "forged" });
        const payloadHash = sha256Hex(payload);
        const hash = chainHash({ stream: LAB, seq: 1, kind: "manual-entry", payloadHash, prevHash: first.hash });
        await exec(store, sql`insert into records (id, kind, stream, seq, payload, payload_hash, prev_hash, hash, created_at, actor)
          values (3, 'manual-entry', ${LAB}, 1, ${payload}, ${payloadHash}, ${first.hash}, ${hash}, ${T + 2}, 'user:forger')`);
        const report = await verify(store);
        expect(report.firstBadRecord).toMatchObject({ id: 3, stream: LAB, seq: 1, reason: expect.stringContaining("inserted") });
        expect(report.firstBadCheckpoint).toMatchObject({ treeSize: 6 });
      });

      it("two records swapped", async () => {
        const { store } = await seeded();
        await exec(store, sql`update records set id = -1 where id = 3`);
        await exec(store, sql`update records set id = 3 where id = 5`);
        await exec(store, sql`update records set id = 5 where id = -1`);
        expect((await verify(store)).firstBadRecord).toMatchObject({ id: 3, stream: LAB, seq: 2, reason: expect.stringContaining("out of place") });
      });

      it("the tail cut", async () => {
        const { store } = await seeded();
        await exec(store, sql`delete from records where id >= 6`);
        await exec(store, sql`delete from readings where seq >= 15`);
        const report = await verify(store);
        expect(report.firstBadRecord).toMatchObject({ id: 6, stream: null, reason: expect.stringContaining("missing") });
        expect(report.firstBadCheckpoint).toMatchObject({ treeSize: 6, reason: "covers 6 records, the log holds 5" });
      });

      it("a log rewritten with a recomputed hash chain is caught by the signed checkpoints", async () => {
        const { store } = await seeded();
        const third = (await records(store))[2]!;
        const payload = JSON.parse(third.payload) as { values: (number | null)[] };
        payload.values[2] = 10.5;
        await exec(store, sql`update records set payload = ${canonicalJson(payload)} where id = 3`);
        await exec(store, sql`update readings set value = 10.5 where agent_id = 'lab-a' and seq = 7`);
        await rechain(store);
        const report = await verify(store);
        // The leaves checkpoint 6 keeps give its signed root, so they name the record rewritten.
        expect(report.firstBadRecord).toMatchObject({ id: 3, kind: "reading-batch", stream: LAB, seq: 1, reason: expect.stringContaining("its leaf is not the one checkpoint 6 signed") });
        expect(report.firstBadCheckpoint).toMatchObject({ treeSize: 6, reason: "root does not match records 1..6" });
      });

      it("a reading-batch payload that does not parse is TC_ERR_RECORD_PAYLOAD_INVALID naming the record, not a crash", async () => {
        const { store } = await seeded();
        const third = (await records(store))[2]!;
        const payload = JSON.parse(third.payload) as { values: unknown[] };
        payload.values[2] = "10.5";
        await exec(store, sql`update records set payload = ${canonicalJson(payload)} where id = 3`);
        await rechain(store);
        const report = await verify(store);
        expect(report.ok).toBe(false);
        expect(report.firstBadRecord).toMatchObject({
          id: 3,
          stream: LAB,
          seq: 1,
          code: "TC_ERR_RECORD_PAYLOAD_INVALID",
          reason: expect.stringMatching(/^TC_ERR_RECORD_PAYLOAD_INVALID: record 3 \(stream lab-a\/dmm1\.dcv, seq 1\): its reading-batch payload is invalid: values\.2: /),
        });
        await exec(store, sql`update records set payload = ${"not json"} where id = 3`);
        await rechain(store);
        expect((await verify(store)).firstBadRecord).toMatchObject({ id: 3, code: "TC_ERR_RECORD_PAYLOAD_INVALID", reason: expect.stringContaining("payload is invalid: not JSON") });
      });

      it("checkpoints re-signed with another key are refused when the server's key is pinned", async () => {
        const { store } = await seeded();
        await rechain(store);
        const forger = ephemeralSigningKey();
        const forged = signCheckpoint({ treeSize: 7, rootHash: "0".repeat(64), time: T, keyId: forger.publicKey.keyId }, forger);
        await exec(store, sql`delete from record_checkpoints`);
        await exec(store, sql`insert into record_checkpoints (tree_size, root_hash, created_at, key_id, signature)
          values (7, ${forged.rootHash}, ${T}, ${forged.keyId}, ${forged.signature})`);
        expect((await verify(store)).firstBadCheckpoint).toMatchObject({ treeSize: 7, reason: expect.stringContaining("not a trusted key") });
        const checkpoint = (await sql<{ signature: string }>`select signature from record_checkpoints`.execute(store.db)).rows[0]!;
        await exec(store, sql`update record_checkpoints set signature = ${checkpoint.signature.replace(/^./, (c) => (c === "A" ? "B" : "A"))}`);
        const unpinned = await verifyLog(store.db, { trustedKeys: [forger.publicKey] });
        expect(unpinned.firstBadCheckpoint).toMatchObject({ reason: "signature does not verify" });
      });
    });
  });
}
