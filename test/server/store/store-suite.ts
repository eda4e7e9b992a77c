import { randomUUID } from "node:crypto";
import { type AgentHello, isTelecalError, PROTOCOL_VERSION, type ReadingBatch } from "@telecal/protocols";
import { MIGRATIONS, Store, type StoreOptions } from "@telecal/server";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Where a suite's database is: set up in beforeAll, torn down in afterAll. */
export interface StoreTarget {
  name: string;
  setUp(): Promise<string>;
  tearDown(): Promise<void>;
}

export const hello = (agentId: string, streams = ["dmm1.dcv"], unit = "V"): AgentHello => ({
  protocol: PROTOCOL_VERSION,
  agentId,
  name: `Lab ${agentId}`,
  software: "test",
  instruments: [
    {
      id: "dmm1",
      driver: "keysight-34465a",
      role: "uut",
      maker: "Keysight Technologies",
      model: "34465A",
      serial: "MY1",
      firmware: "1",
      streams: streams.map((id) => ({ id, quantity: "voltage", unit })),
    },
  ],
});

export const batch = (firstSeq: number, n: number, over: Partial<ReadingBatch> = {}): ReadingBatch => ({
  streamId: "dmm1.dcv",
  instrumentId: "dmm1",
  firstSeq,
  t: Array.from({ length: n }, (_, i) => 1_795_000_000_000 + (firstSeq + i) * 100),
  // Seq 1, 11, 21 ... is an overload (no value, flag 1): a resend of any seq repeats exactly what was sent.
  values: Array.from({ length: n }, (_, i) => ((firstSeq + i) % 10 === 1 ? null : 10 + (firstSeq + i) * 1e-6)),
  flags: Array.from({ length: n }, (_, i) => ((firstSeq + i) % 10 === 1 ? 1 : 0)),
  unit: "V",
  clock: { offsetMs: -3.5, uncertaintyMs: 0.25 },
  historical: false,
  ...over,
});

const seqs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isTelecalError(err)) return err.code;
    throw err;
  }
  throw new Error("expected a refusal, got success");
}

/** The repository tests, the same for every database the server runs on. */
export function storeSuite(target: StoreTarget): void {
  describe(`store on ${target.name}`, () => {
    let url: string;
    let store: Store;
    const opened: Store[] = [];
    const open = async (options?: StoreOptions) => {
      const s = await Store.open(url, options);
      opened.push(s);
      return s;
    };
    /** A fresh agent per test, so that tests share one database without sharing streams. */
    const newAgent = async (s = store) => {
      const agentId = `lab-${randomUUID().slice(0, 8)}`;
      await s.announce(hello(agentId));
      return agentId;
    };

    beforeAll(async () => {
      url = await target.setUp();
      store = await open();
    });
    afterAll(async () => {
      for (const s of opened) await s.close().catch(() => undefined);
      await target.tearDown();
    });

    it("runs the migrations once: opening again applies none and keeps the data", async () => {
      expect(store.migrated).toEqual(Object.keys(MIGRATIONS));
      const agentId = await newAgent();
      await store.readings.storeBatch(agentId, batch(0, 3));
      const again = await open();
      expect(again.migrated).toEqual([]);
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(again.db);
      expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
      expect((await again.readings.readings(agentId, "dmm1.dcv")).map((r) => r.seq)).toEqual([0, 1, 2]);
    });

    it("stores readings with their time, value, flags, clock and history mark, and reads them back in pages", async () => {
      const agentId = await newAgent();
      const b = batch(0, 5, { historical: true });
      expect(await store.readings.storeBatch(agentId, b, 1_795_000_999_000)).toEqual({
        ackedSeq: 4,
        previousAckedSeq: -1,
        inserted: 5,
      });
      const all = await store.readings.readings(agentId, "dmm1.dcv");
      expect(all[1]).toEqual({
        seq: 1,
        t: b.t[1],
        value: null,
        flags: 1,
        clockOffsetMs: -3.5,
        clockUncertaintyMs: 0.25,
        historical: true,
        receivedAt: 1_795_000_999_000,
      });
      expect(all.map((r) => r.value)).toEqual(b.values);
      expect((await store.readings.readings(agentId, "dmm1.dcv", 1, 2)).map((r) => r.seq)).toEqual([2, 3]);
      expect(await store.readings.readings(agentId, "dmm1.dcv", 4)).toEqual([]);
    });

    it("a batch stored twice gives the same rows and the same acked seq", async () => {
      const agentId = await newAgent();
      const first = await store.readings.storeBatch(agentId, batch(0, 5));
      const rows = await store.readings.readings(agentId, "dmm1.dcv");
      const second = await store.readings.storeBatch(agentId, batch(0, 5), Date.now() + 60_000);
      expect(first.ackedSeq).toBe(4);
      expect(second).toEqual({ ackedSeq: 4, previousAckedSeq: 4, inserted: 0 });
      expect(await store.readings.readings(agentId, "dmm1.dcv")).toEqual(rows);
    });

    it("overlapping batches store each seq once; a resend of a stored seq with other content is refused (TC_ERR_SEQ_CONFLICT)", async () => {
      const agentId = await newAgent();
      await store.readings.storeBatch(agentId, batch(0, 5));
      const changed = batch(3, 7, { values: Array.from({ length: 7 }, () => 99) });
      expect(await refusal(store.readings.storeBatch(agentId, changed))).toBe("TC_ERR_SEQ_CONFLICT");
      expect((await store.readings.readings(agentId, "dmm1.dcv")).map((r) => r.seq)).toEqual(seqs(0, 4));
      expect(await store.readings.storeBatch(agentId, batch(3, 7))).toEqual({ ackedSeq: 9, previousAckedSeq: 4, inserted: 5 });
      const rows = await store.readings.readings(agentId, "dmm1.dcv");
      expect(rows.map((r) => r.seq)).toEqual(seqs(0, 9));
      expect(rows[3]?.value).toBe(batch(0, 5).values[3]);
      // Wholly inside what is stored: nothing changes.
      expect(await store.readings.storeBatch(agentId, batch(2, 3))).toMatchObject({ ackedSeq: 9, inserted: 0 });
    });

    it("refuses a batch that would leave a gap (TC_ERR_SEQ_GAP) and stores nothing of it", async () => {
      const agentId = await newAgent();
      await store.readings.storeBatch(agentId, batch(0, 5));
      expect(await refusal(store.readings.storeBatch(agentId, batch(7, 3)))).toBe("TC_ERR_SEQ_GAP");
      expect((await store.readings.readings(agentId, "dmm1.dcv")).map((r) => r.seq)).toEqual(seqs(0, 4));
      expect((await store.streams.ackedSeqs(agentId))["dmm1.dcv"]).toBe(4);
      // The agent resends from the acked seq, and that is taken.
      expect((await store.readings.storeBatch(agentId, batch(5, 5))).ackedSeq).toBe(9);
    });

    it("a stream with nothing stored starts at seq 0, or after the agent's seq gaps over the seqs before", async () => {
      const agentId = await newAgent();
      expect(await refusal(store.readings.storeBatch(agentId, batch(100, 3)))).toBe("TC_ERR_FIRST_SEQ_SKIPPED");
      // The hub checks a gap's signature; the store takes it as given.
      const gap = { streamId: "dmm1.dcv", instrumentId: "dmm1", firstSeq: 0, lastSeq: 99, reason: "server-lost" as const, signature: "x" };
      expect(await store.gaps.store(agentId, gap)).toEqual({ stored: true });
      expect(await store.gaps.store(agentId, gap)).toEqual({ stored: false });
      expect((await store.streams.ackedSeqs(agentId))["dmm1.dcv"]).toBe(99);
      expect(await store.readings.storeBatch(agentId, batch(100, 3))).toMatchObject({ ackedSeq: 102, previousAckedSeq: 99 });
      expect(await refusal(store.readings.storeBatch(agentId, batch(104, 1)))).toBe("TC_ERR_SEQ_GAP");
    });

    it("refuses a batch of a stream never announced (TC_ERR_UNKNOWN_STREAM)", async () => {
      const agentId = await newAgent();
      expect(await refusal(store.readings.storeBatch(agentId, batch(0, 1, { streamId: "dmm1.acv" })))).toBe(
        "TC_ERR_UNKNOWN_STREAM",
      );
      expect(await store.readings.readings(agentId, "dmm1.acv")).toEqual([]);
    });

    it("an insert that fails in the middle of a batch leaves nothing of the batch stored", async () => {
      // Two rows per INSERT, so that three statements succeed before the fourth is refused.
      const small = await open({ readings: { rowsPerStatement: 2 } });
      const agentId = await newAgent(small);
      await small.readings.storeBatch(agentId, batch(0, 3));
      const bad = batch(3, 8);
      bad.flags[7] = -1; // the flags column's CHECK refuses it: seq 10, in the fourth statement
      expect(await refusal(small.readings.storeBatch(agentId, bad))).toBe("TC_ERR_STORE_FAILED");
      expect((await small.readings.readings(agentId, "dmm1.dcv")).map((r) => r.seq)).toEqual([0, 1, 2]);
      expect((await small.streams.ackedSeqs(agentId))["dmm1.dcv"]).toBe(2);
      bad.flags[7] = 0;
      expect((await small.readings.storeBatch(agentId, bad)).ackedSeq).toBe(10);
    });

    it("batches of one stream stored at the same time leave one row per seq and the right acked seq", async () => {
      const agentId = await newAgent();
      await store.readings.storeBatch(agentId, batch(0, 1));
      const results = await Promise.all([
        store.readings.storeBatch(agentId, batch(1, 20)),
        store.readings.storeBatch(agentId, batch(1, 20)),
        store.readings.storeBatch(agentId, batch(1, 30)),
      ]);
      expect(Math.max(...results.map((r) => r.ackedSeq))).toBe(30);
      expect(results.reduce((n, r) => n + r.inserted, 0)).toBe(30);
      expect((await store.readings.readings(agentId, "dmm1.dcv")).map((r) => r.seq)).toEqual(seqs(0, 30));
    });

    it("hello records the agent and its streams and answers the acked seq of each announced stream", async () => {
      const agentId = `lab-${randomUUID().slice(0, 8)}`;
      expect(await store.announce(hello(agentId, ["dmm1.dcv", "dmm1.acv"]), 1000)).toEqual({ "dmm1.dcv": -1, "dmm1.acv": -1 });
      await store.readings.storeBatch(agentId, batch(0, 4));
      // Announced again with another unit and without dmm1.acv: dmm1.dcv keeps its acked seq.
      expect(await store.announce(hello(agentId, ["dmm1.dcv"], "mV"), 2000)).toEqual({ "dmm1.dcv": 3 });
      const mine = (await store.streams.streams()).filter((s) => s.agentId === agentId);
      expect(mine).toEqual([
        { agentId, streamId: "dmm1.acv", instrumentId: "dmm1", quantity: "voltage", unit: "V", ackedSeq: -1 },
        { agentId, streamId: "dmm1.dcv", instrumentId: "dmm1", quantity: "voltage", unit: "mV", ackedSeq: 3 },
      ]);
      await store.agents.touch(agentId, 3000);
      const agent = (await store.agents.agents()).find((a) => a.agentId === agentId);
      expect(agent).toEqual({ agentId, name: `Lab ${agentId}`, firstSeen: 1000, lastSeen: 3000 });
    });

    it("the acked seq and the readings survive closing and reopening the store", async () => {
      const first = await open();
      const agentId = await newAgent(first);
      await first.readings.storeBatch(agentId, batch(0, 50));
      await first.close();
      const reopened = await open();
      expect(await reopened.announce(hello(agentId))).toEqual({ "dmm1.dcv": 49 });
      expect((await reopened.readings.readings(agentId, "dmm1.dcv", -1, 100)).map((r) => r.seq)).toEqual(seqs(0, 49));
      expect(await reopened.readings.storeBatch(agentId, batch(40, 20))).toMatchObject({ ackedSeq: 59, inserted: 10 });
    });
  });
}
