import type Database from "better-sqlite3";

/** A stored reading as the outbox reads it back to send it. */
export interface ReadingRow {
  seq: number;
  t: number;
  value: number | null;
  flags: number;
  unit: string;
  clock_offset_ms: number;
  clock_uncertainty_ms: number;
}

export interface StreamRow {
  stream_id: string;
  instrument_id: string;
  next_seq: number;
}

export interface GapRow {
  id: number;
  stream_id: string;
  first_seq: number;
  count: number;
  t_first: number;
  t_last: number;
  reason: "outbox-full";
  reported: number;
}

/** Every statement the outbox runs, typed by its parameters and rows. */
export interface OutboxStatements {
  insertReading: Database.Statement<[string, number, number, number | null, number, string, number, number]>;
  /** Up to n of a stream's readings, lowest seq first. */
  peekReadings: Database.Statement<[string, number], ReadingRow>;
  deleteReadingsUpTo: Database.Statement<[string, number]>;
  /** Adds to the seq of all a stream's readings. */
  shiftReadings: Database.Statement<[number, string]>;
  countReadings: Database.Statement<[string], { n: number }>;
  countReadingsByStream: Database.Statement<[], { stream_id: string; n: number }>;
  upsertStream: Database.Statement<[string, string, number]>;
  allStreams: Database.Statement<[], StreamRow>;
  streamNextSeq: Database.Statement<[string], { next_seq: number }>;
  insertGap: Database.Statement<[string, number, number, number, number, "outbox-full"]>;
  updateGap: Database.Statement<[number, number, number]>;
  /** Adds to the first seq of a stream's gaps from a seq on. */
  shiftGaps: Database.Statement<[number, string, number]>;
  allGaps: Database.Statement<[], GapRow>;
  unreportedGaps: Database.Statement<[], GapRow>;
  markGapReported: Database.Statement<[number]>;
}

/** Prepares the outbox's statements once, on a database whose schema `openOutboxDatabase` made current. */
export function prepareOutboxStatements(db: Database.Database): OutboxStatements {
  return {
    insertReading: db.prepare(
      "INSERT INTO readings (stream_id, seq, t, value, flags, unit, clock_offset_ms, clock_uncertainty_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    peekReadings: db.prepare(
      "SELECT seq, t, value, flags, unit, clock_offset_ms, clock_uncertainty_ms FROM readings WHERE stream_id = ? ORDER BY seq LIMIT ?",
    ),
    deleteReadingsUpTo: db.prepare("DELETE FROM readings WHERE stream_id = ? AND seq <= ?"),
    shiftReadings: db.prepare("UPDATE readings SET seq = seq + ? WHERE stream_id = ?"),
    countReadings: db.prepare("SELECT COUNT(*) AS n FROM readings WHERE stream_id = ?"),
    countReadingsByStream: db.prepare("SELECT stream_id, COUNT(*) AS n FROM readings GROUP BY stream_id"),
    upsertStream: db.prepare(
      `INSERT INTO streams (stream_id, instrument_id, next_seq) VALUES (?, ?, ?)
       ON CONFLICT (stream_id) DO UPDATE SET instrument_id = excluded.instrument_id, next_seq = excluded.next_seq`,
    ),
    allStreams: db.prepare("SELECT stream_id, instrument_id, next_seq FROM streams"),
    streamNextSeq: db.prepare("SELECT next_seq FROM streams WHERE stream_id = ?"),
    insertGap: db.prepare(
      "INSERT INTO gaps (stream_id, first_seq, count, t_first, t_last, reason) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    updateGap: db.prepare("UPDATE gaps SET count = ?, t_last = ? WHERE id = ?"),
    shiftGaps: db.prepare("UPDATE gaps SET first_seq = first_seq + ? WHERE stream_id = ? AND first_seq >= ?"),
    allGaps: db.prepare("SELECT * FROM gaps ORDER BY id"),
    unreportedGaps: db.prepare("SELECT * FROM gaps WHERE reported = 0 ORDER BY id"),
    markGapReported: db.prepare("UPDATE gaps SET reported = 1 WHERE id = ?"),
  };
}
