import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { TelecalError } from "@telecal/protocols";
import type BetterSqlite3 from "better-sqlite3";
import { Database } from "./sqlite-driver";

const SCHEMA_VERSION = 3;

/** One step per schema version; a step never changes once released. */
const MIGRATIONS: Record<number, string> = {
  1: `
    CREATE TABLE streams (
      stream_id TEXT PRIMARY KEY,
      instrument_id TEXT NOT NULL,
      next_seq INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE readings (
      stream_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      t REAL NOT NULL,
      value REAL,
      flags INTEGER NOT NULL,
      unit TEXT NOT NULL,
      PRIMARY KEY (stream_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE gaps (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      stream_id TEXT NOT NULL,
      first_seq INTEGER NOT NULL,
      count INTEGER NOT NULL,
      t_first REAL NOT NULL,
      t_last REAL NOT NULL,
      reason TEXT NOT NULL,
      reported INTEGER NOT NULL DEFAULT 0
    );`,
  // The clock offset and its uncertainty at acquisition travel with each reading, not the ones at sending.
  2: `
    ALTER TABLE readings ADD COLUMN clock_offset_ms REAL NOT NULL DEFAULT 0;
    ALTER TABLE readings ADD COLUMN clock_uncertainty_ms REAL NOT NULL DEFAULT 1000;`,
  // Acknowledged readings stay for a retention window, to resend them to a server that lost them:
  // the highest seq the server acked per stream, when each ack came, and seq-range gaps. Readings
  // held before this step were all unacknowledged.
  3: `
    ALTER TABLE streams ADD COLUMN acked_seq INTEGER NOT NULL DEFAULT -1;
    UPDATE streams SET acked_seq = COALESCE((SELECT MIN(seq) FROM readings WHERE readings.stream_id = streams.stream_id), next_seq) - 1;
    CREATE TABLE acks (
      stream_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      at REAL NOT NULL,
      PRIMARY KEY (stream_id, seq)
    ) WITHOUT ROWID;
    CREATE INDEX acks_at ON acks (at);
    ALTER TABLE gaps ADD COLUMN last_seq INTEGER;`,
};

/**
 * Opens (creating if missing) an outbox file: WAL, synchronous=FULL, held exclusively by this
 * process, schema migrated one version at a time. ":memory:" opens a throw-away one.
 */
export function openOutboxDatabase(file: string): BetterSqlite3.Database {
  try {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file, { timeout: 1000 });
    // Two agents numbering one outbox would hand out the same seqs: the first holds it alone.
    db.pragma("locking_mode = EXCLUSIVE");
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      db.close();
      throw new Error(`outbox schema ${version} is newer than this agent's ${SCHEMA_VERSION}`);
    }
    for (let v = version + 1; v <= SCHEMA_VERSION; v++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[v]!);
        db.pragma(`user_version = ${v}`);
      })();
    }
    return db;
  } catch (err) {
    throw new TelecalError("TC_ERR_CONFIG_READ", { file, reason: (err as Error).message });
  }
}
