import type { Checkpoint, ReadingBatch, RecordsPublicKey } from "@telecal/protocols";
import { type Kysely, PostgresAdapter } from "kysely";
import { openDatabase } from "../store/db";
import type { Schema } from "../store/schema";
import { checkpointSignatureValid, recordLeafHash, toCheckpoint } from "./checkpoints";
import { chainHash, GENESIS_HASH, sha256Hex } from "./hashing";
import { Frontier } from "./merkle";
import type { RecordsSchema, RecordsTable } from "./schema";

/** The payload of a reading-batch record: exactly the readings that batch newly stored. */
export interface ReadingBatchPayload extends Omit<ReadingBatch, "unit"> {
  agentId: string;
  unit: string;
  receivedAt: number;
}

export interface BadRecord {
  /** The record's id; for a missing record, the id that is not there. */
  id: number;
  /** Unknown (null) for a record that is missing. */
  stream: string | null;
  seq: number | null;
  reason: string;
}

export interface BadCheckpoint {
  treeSize: number;
  time: number;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  streams: number;
  checkpoints: number;
  readings: number;
  firstBadRecord: BadRecord | null;
  firstBadCheckpoint: BadCheckpoint | null;
}

export interface VerifyOptions {
  /**
   * Keys that may have signed checkpoints, from outside the database (the key file). Without them
   * the keys registered in the database are used, which a person who rewrote the database could
   * also have replaced.
   */
  trustedKeys?: readonly RecordsPublicKey[];
  pageSize?: number;
}

type Db = Kysely<Schema & RecordsSchema>;

/**
 * Recomputes every stream's hash chain, every checkpoint's root and signature, and checks every
 * reading row against the reading-batch record that carried it. Reads the log in id order, once.
 */
export async function verifyLog(store: Kysely<Schema>, options: VerifyOptions = {}): Promise<VerifyReport> {
  // One snapshot for the whole run, so that a server appending meanwhile is not taken for a forger.
  // SQLite: a read transaction in WAL mode is one; PostgreSQL: repeatable read.
  const postgres = store.getExecutor().adapter instanceof PostgresAdapter;
  return (postgres ? store.transaction().setIsolationLevel("repeatable read") : store.transaction()).execute((trx) =>
    verifySnapshot(trx as unknown as Db, options),
  );
}

async function verifySnapshot(db: Db, options: VerifyOptions): Promise<VerifyReport> {
  const pageSize = options.pageSize ?? 2000;
  const keys = new Map<string, string>();
  if (options.trustedKeys) for (const k of options.trustedKeys) keys.set(k.keyId, k.spki);
  else for (const k of await db.selectFrom("record_keys").selectAll().execute()) keys.set(k.key_id, k.public_key);
  const checkpoints = (await db.selectFrom("record_checkpoints").selectAll().orderBy("tree_size").execute()).map(toCheckpoint);

  let firstBadRecord: BadRecord | null = null;
  let firstBadCheckpoint: BadCheckpoint | null = null;
  const badRecord = (b: BadRecord) => {
    if (firstBadRecord === null || b.id < firstBadRecord.id) firstBadRecord = b;
  };
  const badCheckpoint = (cp: Checkpoint, reason: string) =>
    (firstBadCheckpoint ??= { treeSize: cp.treeSize, time: cp.time, reason });

  for (const cp of checkpoints) {
    const spki = keys.get(cp.keyId);
    if (spki === undefined) badCheckpoint(cp, `signed with key ${cp.keyId}, which is not a trusted key`);
    else if (!checkpointSignatureValid(cp, spki)) badCheckpoint(cp, "signature does not verify");
  }

  /** Per stream, its last record so far and the hash of the one before (to tell an insertion). */
  const heads = new Map<string, { id: number; seq: number; hash: string; before: string }>();
  /** Per reading stream ("agent/stream"), how many readings its records carry. */
  const carried = new Map<string, { count: number; lastRecord: RecordsTable }>();
  const frontier = new Frontier();
  let next = 0;
  let cpIndex = 0;
  for (;;) {
    const rows = await db
      .selectFrom("records")
      .selectAll()
      .where("id", ">", next)
      .orderBy("id")
      .limit(pageSize)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      if (r.id !== frontier.size + 1) {
        const reason = `missing: the log goes from id ${frontier.size} to ${r.id}`;
        badRecord({ id: frontier.size + 1, stream: null, seq: null, reason });
      }
      const head = heads.get(r.stream);
      const expectedSeq = head ? head.seq + 1 : 0;
      const expectedPrev = head ? head.hash : GENESIS_HASH;
      const hash = chainHash({ stream: r.stream, seq: r.seq, kind: r.kind, payloadHash: r.payload_hash, prevHash: r.prev_hash });
      const at = { id: r.id, stream: r.stream, seq: r.seq };
      // Counted even for a record that fails below, so that its readings are not taken for strays.
      const readingsProblem = r.kind === "reading-batch" ? await checkReadings(db, r, carried) : null;
      if (sha256Hex(r.payload) !== r.payload_hash) badRecord({ ...at, reason: "payload does not match its hash" });
      else if (r.seq !== expectedSeq) {
        badRecord({ ...at, reason: `out of place: seq ${expectedSeq} of its stream was expected here` });
      } else if (r.prev_hash !== expectedPrev) {
        if (head && r.prev_hash === head.before) {
          // It chains to the record before the stream's last one: that last one was slipped in.
          const reason = `inserted: the stream's next record (id ${r.id}) chains past it`;
          badRecord({ id: head.id, stream: r.stream, seq: head.seq, reason });
        } else badRecord({ ...at, reason: "prev hash is not the hash of the stream's previous record" });
      } else if (r.hash !== hash) badRecord({ ...at, reason: "hash does not match its fields" });
      else if (readingsProblem) badRecord({ ...at, reason: readingsProblem });
      heads.set(r.stream, { id: r.id, seq: r.seq, hash: r.hash, before: head?.hash ?? GENESIS_HASH });
      // Leaves from the recomputed hash: a log rewritten with a fresh chain gives other roots.
      frontier.add(recordLeafHash({ ...r, hash }));
      for (; cpIndex < checkpoints.length && checkpoints[cpIndex]!.treeSize <= frontier.size; cpIndex++) {
        const cp = checkpoints[cpIndex]!;
        if (cp.rootHash !== frontier.root().toString("hex")) badCheckpoint(cp, `root does not match records 1..${cp.treeSize}`);
      }
      next = r.id;
    }
  }
  for (const cp of checkpoints) {
    if (cp.treeSize > frontier.size) {
      badCheckpoint(cp, `covers ${cp.treeSize} records, the log holds ${frontier.size}`);
      const reason = `missing: checkpoint of size ${cp.treeSize} covers it, the log ends at ${frontier.size}`;
      badRecord({ id: frontier.size + 1, stream: null, seq: null, reason });
    }
  }

  // Readings that no record carries: rows added directly to the readings table.
  const stored = await db
    .selectFrom("readings")
    .select(["agent_id", "stream_id"])
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .groupBy(["agent_id", "stream_id"])
    .execute();
  let readings = 0;
  for (const s of stored) {
    const n = Number(s.n);
    readings += n;
    const c = carried.get(`${s.agent_id}/${s.stream_id}`);
    if (!c || c.count !== n) {
      const last = c?.lastRecord;
      badRecord({
        id: last?.id ?? frontier.size + 1,
        stream: `${s.agent_id}/${s.stream_id}`,
        seq: last?.seq ?? null,
        reason: `the readings table holds ${n} readings of this stream, its records carry ${c?.count ?? 0}`,
      });
    }
  }

  return {
    ok: firstBadRecord === null && firstBadCheckpoint === null,
    records: frontier.size,
    streams: heads.size,
    checkpoints: checkpoints.length,
    readings,
    firstBadRecord,
    firstBadCheckpoint,
  };
}

/** Compares the readings a reading-batch record carries with the rows; counts them in `carried`. */
async function checkReadings(
  db: Db,
  r: RecordsTable,
  carried: Map<string, { count: number; lastRecord: RecordsTable }>,
): Promise<string | null> {
  let p: ReadingBatchPayload;
  try {
    p = JSON.parse(r.payload) as ReadingBatchPayload;
  } catch {
    return "payload is not JSON";
  }
  const n = p.t.length;
  const key = `${p.agentId}/${p.streamId}`;
  const c = carried.get(key) ?? { count: 0, lastRecord: r };
  carried.set(key, { count: c.count + n, lastRecord: r });
  const rows = await db
    .selectFrom("readings")
    .selectAll()
    .where("agent_id", "=", p.agentId)
    .where("stream_id", "=", p.streamId)
    .where("seq", ">=", p.firstSeq)
    .where("seq", "<", p.firstSeq + n)
    .orderBy("seq")
    .execute();
  const bySeq = new Map(rows.map((x) => [x.seq, x]));
  for (let i = 0; i < n; i++) {
    const seq = p.firstSeq + i;
    const row = bySeq.get(seq);
    if (!row) return `reading seq ${seq} it carries is not in the readings table`;
    const expected = {
      t: p.t[i],
      value: p.values[i] ?? null,
      flags: p.flags[i],
      clock_offset_ms: p.clock.offsetMs,
      clock_uncertainty_ms: p.clock.uncertaintyMs,
      historical: p.historical ? 1 : 0,
      received_at: p.receivedAt,
    };
    for (const [column, value] of Object.entries(expected)) {
      const actual = row[column as keyof typeof expected];
      if (actual !== value) {
        return `reading seq ${seq}: ${column} is ${String(actual)} in the readings table, ${String(value)} in the record`;
      }
    }
  }
  return null;
}

/** Opens `postgres://...` or `sqlite:FILE` without migrating it, verifies it and closes it. */
export async function verifyDatabase(url: string, options: VerifyOptions = {}): Promise<VerifyReport & { where: string }> {
  const { db, where } = openDatabase(url);
  try {
    return { ...(await verifyLog(db, options)), where };
  } finally {
    await db.destroy();
  }
}
