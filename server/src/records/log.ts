import { CorrectionPayload, type RecordKind, TelecalError } from "@telecal/protocols";
import { type Kysely, sql } from "kysely";
import type { DialectName } from "../store/db";
import { canonicalJson } from "@telecal/protocols";
import { chainHash, GENESIS_HASH, sha256Hex } from "./hashing";
import { recordPayload } from "./payload";
import type { RecordsSchema, RecordsTable } from "./schema";

export interface AppendInput {
  kind: RecordKind;
  stream: string;
  /** Any JSON value; stored as canonical JSON. */
  payload: unknown;
  /** Who caused the record: "agent:<id>", "user:<id>", "server". */
  actor: string;
}

export interface LogRecord {
  id: number;
  kind: string;
  stream: string;
  seq: number;
  payload: string;
  payloadHash: string;
  prevHash: string;
  hash: string;
  createdAt: number;
  actor: string;
}

export interface CorrectionInput {
  /** The record corrected; it stays as it is. */
  recordId: number;
  /** Who corrects. */
  actor: string;
  /** Why. */
  reason: string;
  old: CorrectionPayload["old"];
  new: CorrectionPayload["new"];
}

/** PostgreSQL advisory lock key of the log: appends and checkpoints take turns on it. */
const LOG_LOCK = 0x7e1ec41;

export function toLogRecord(r: RecordsTable): LogRecord {
  return {
    id: r.id,
    kind: r.kind,
    stream: r.stream,
    seq: r.seq,
    payload: r.payload,
    payloadHash: r.payload_hash,
    prevHash: r.prev_hash,
    hash: r.hash,
    createdAt: r.created_at,
    actor: r.actor,
  };
}

/**
 * Takes the log's lock until the transaction ends. PostgreSQL: an advisory lock, so that ids are
 * given in commit order and a checkpoint never skips a record committed late. SQLite: its one
 * connection already runs one transaction at a time.
 */
export async function lockLog(trx: Kysely<RecordsSchema>, dialect: DialectName): Promise<void> {
  if (dialect === "postgres") await sql`select pg_advisory_xact_lock(${LOG_LOCK})`.execute(trx);
}

/**
 * Appends one record inside the caller's transaction `trx` (which must be one): the next id of the
 * log and the next seq of its stream, chained to the stream's previous record.
 */
export async function appendRecord(
  trx: Kysely<RecordsSchema>,
  dialect: DialectName,
  input: AppendInput,
  now = Date.now(),
): Promise<LogRecord> {
  await lockLog(trx, dialect);
  // The log's last id and the stream's head in one round trip: the lock is held until the commit.
  const found = await trx
    .selectNoFrom((eb) => [
      eb.selectFrom("records").select("id").orderBy("id", "desc").limit(1).as("last_id"),
      eb.selectFrom("records").select("seq").where("stream", "=", input.stream).orderBy("seq", "desc").limit(1).as("head_seq"),
      eb.selectFrom("records").select("hash").where("stream", "=", input.stream).orderBy("seq", "desc").limit(1).as("head_hash"),
    ])
    .executeTakeFirstOrThrow();
  const last = found.last_id === null ? undefined : { id: Number(found.last_id) };
  const head = found.head_seq === null || found.head_hash === null ? undefined : { seq: Number(found.head_seq), hash: found.head_hash };
  const payload = canonicalJson(input.payload);
  const row: RecordsTable = {
    id: (last?.id ?? 0) + 1,
    kind: input.kind,
    stream: input.stream,
    seq: head ? head.seq + 1 : 0,
    payload,
    payload_hash: sha256Hex(payload),
    prev_hash: head?.hash ?? GENESIS_HASH,
    hash: "",
    created_at: now,
    actor: input.actor,
  };
  row.hash = chainHash({
    stream: row.stream,
    seq: row.seq,
    kind: row.kind,
    payloadHash: row.payload_hash,
    prevHash: row.prev_hash,
  });
  await trx.insertInto("records").values(row).execute();
  return toLogRecord(row);
}

/** The append-only log of raw records. Nothing here updates or deletes a record. */
export class RecordLog {
  constructor(
    private readonly db: Kysely<RecordsSchema>,
    private readonly dialect: DialectName,
  ) {}

  /** Appends one record in a transaction of its own. */
  async append(input: AppendInput, now = Date.now()): Promise<LogRecord> {
    return this.db.transaction().execute((trx) => appendRecord(trx, this.dialect, input, now));
  }

  /**
   * A correction: a new record of kind `correction` in the corrected record's stream, pointing to
   * it by id and hash, with who, when, why, the old and the new value. The old record is unchanged.
   */
  async appendCorrection(input: CorrectionInput, now = Date.now()): Promise<LogRecord> {
    return this.db.transaction().execute(async (trx) => {
      const target = await trx.selectFrom("records").selectAll().where("id", "=", input.recordId).executeTakeFirst();
      if (!target) throw new TelecalError("TC_ERR_RECORD_NOT_FOUND", { id: input.recordId });
      return appendRecord(
        trx,
        this.dialect,
        {
          kind: "correction",
          stream: target.stream,
          actor: input.actor,
          payload: {
            corrects: { id: target.id, hash: target.hash, kind: target.kind, seq: target.seq },
            who: input.actor,
            when: now,
            why: input.reason,
            old: input.old,
            new: input.new,
          },
        },
        now,
      );
    });
  }

  async get(id: number): Promise<LogRecord | undefined> {
    const row = await this.db.selectFrom("records").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toLogRecord(row);
  }

  /** Records with id above `afterId`, in id order, at most `limit`. */
  async page(afterId = 0, limit = 1000): Promise<LogRecord[]> {
    const rows = await this.db
      .selectFrom("records")
      .selectAll()
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(toLogRecord);
  }

  /** The corrections that point to record `id`, oldest first. */
  async correctionsOf(id: number): Promise<LogRecord[]> {
    const target = await this.get(id);
    if (!target) return [];
    const rows = await this.db
      .selectFrom("records")
      .selectAll()
      .where("stream", "=", target.stream)
      .where("kind", "=", "correction")
      .where("id", ">", id)
      .orderBy("id")
      .execute();
    return rows.filter((r) => recordPayload(CorrectionPayload, r).corrects.id === id).map(toLogRecord);
  }
}
