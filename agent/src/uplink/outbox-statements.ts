import type Database from "better-sqlite3";
import type { OutboxGap } from "./outbox-gaps";

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
  /** Highest seq the server acknowledged; -1 for none. */
  acked_seq: number;
}

export interface GapRow {
  id: number;
  stream_id: string;
  first_seq: number;
  count: number;
  t_first: number;
  t_last: number;
  reason: OutboxGap["reason"];
  reported: number;
  /** Set for a seq-range gap (`server-lost`). */
  last_seq: number | null;
}

/** When the server acknowledged a stream up to a seq: acknowledged readings are kept from then for the retention window. */
export interface AckRow {
  stream_id: string;
  seq: number;
  at: number;
}

/** Every statement the outbox runs, typed by its parameters and rows. */
export interface OutboxStatements {
  insertReading: Database.Statement<[string, number, number, number | null, number, string, number, number]>;
  /** Up to n of a stream's readings above a seq (its acked seq), lowest seq first. */
  peekReadings: Database.Statement<[string, number, number], ReadingRow>;
  deleteReadingsUpTo: Database.Statement<[string, number]>;
  /** Adds to the seq of all a stream's readings. */
  shiftReadings: Database.Statement<[number, string]>;
  /** A stream's readings with seq in (from, to]. */
  countReadingsBetween: Database.Statement<[string, number, number], { n: number }>;
  /** Per stream, readings not yet acknowledged and readings kept after their ack. */
  countReadingsByStream: Database.Statement<[], { stream_id: string; pending: number; retained: number }>;
  lowestSeq: Database.Statement<[string], { seq: number | null }>;
  upsertStream: Database.Statement<[string, string, number, number]>;
  allStreams: Database.Statement<[], StreamRow>;
  streamRow: Database.Statement<[string], StreamRow>;
  insertAck: Database.Statement<[string, number, number]>;
  /** Acks made at or before a time, oldest first, at most n. */
  acksBefore: Database.Statement<[number, number], AckRow>;
  oldestAck: Database.Statement<[], AckRow>;
  deleteAcksUpTo: Database.Statement<[string, number]>;
  deleteAcksAbove: Database.Statement<[string, number]>;
  /** Moves the oldest of a stream's acks above a seq down to that seq (the readings up to it keep their window). */
  clampAcks: Database.Statement<[number, string, number]>;
  insertGap: Database.Statement<[string, number, number, number, number, "outbox-full"]>;
  insertSeqGap: Database.Statement<[string, number, number, number]>;
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
      "SELECT seq, t, value, flags, unit, clock_offset_ms, clock_uncertainty_ms FROM readings WHERE stream_id = ? AND seq > ? ORDER BY seq LIMIT ?",
    ),
    deleteReadingsUpTo: db.prepare("DELETE FROM readings WHERE stream_id = ? AND seq <= ?"),
    shiftReadings: db.prepare("UPDATE readings SET seq = seq + ? WHERE stream_id = ?"),
    countReadingsBetween: db.prepare("SELECT COUNT(*) AS n FROM readings WHERE stream_id = ? AND seq > ? AND seq <= ?"),
    countReadingsByStream: db.prepare(
      `SELECT r.stream_id, SUM(r.seq > s.acked_seq) AS pending, SUM(r.seq <= s.acked_seq) AS retained
       FROM readings r JOIN streams s ON s.stream_id = r.stream_id GROUP BY r.stream_id`,
    ),
    lowestSeq: db.prepare("SELECT MIN(seq) AS seq FROM readings WHERE stream_id = ?"),
    upsertStream: db.prepare(
      `INSERT INTO streams (stream_id, instrument_id, next_seq, acked_seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (stream_id) DO UPDATE SET instrument_id = excluded.instrument_id, next_seq = excluded.next_seq, acked_seq = excluded.acked_seq`,
    ),
    allStreams: db.prepare("SELECT stream_id, instrument_id, next_seq, acked_seq FROM streams"),
    streamRow: db.prepare("SELECT stream_id, instrument_id, next_seq, acked_seq FROM streams WHERE stream_id = ?"),
    insertAck: db.prepare("INSERT INTO acks (stream_id, seq, at) VALUES (?, ?, ?) ON CONFLICT (stream_id, seq) DO UPDATE SET at = excluded.at"),
    acksBefore: db.prepare("SELECT stream_id, seq, at FROM acks WHERE at <= ? ORDER BY at LIMIT ?"),
    oldestAck: db.prepare("SELECT stream_id, seq, at FROM acks ORDER BY at LIMIT 1"),
    deleteAcksUpTo: db.prepare("DELETE FROM acks WHERE stream_id = ? AND seq <= ?"),
    deleteAcksAbove: db.prepare("DELETE FROM acks WHERE stream_id = ? AND seq > ?"),
    clampAcks: db.prepare(
      `INSERT INTO acks (stream_id, seq, at) SELECT stream_id, ?, MIN(at) FROM acks WHERE stream_id = ? AND seq > ? GROUP BY stream_id
       ON CONFLICT (stream_id, seq) DO UPDATE SET at = MIN(acks.at, excluded.at)`,
    ),
    insertGap: db.prepare(
      "INSERT INTO gaps (stream_id, first_seq, count, t_first, t_last, reason) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    // A seq gap has no times: its readings are gone from both sides.
    insertSeqGap: db.prepare("INSERT INTO gaps (stream_id, first_seq, count, t_first, t_last, reason, last_seq) VALUES (?, ?, ?, 0, 0, 'server-lost', ?)"),
    updateGap: db.prepare("UPDATE gaps SET count = ?, t_last = ? WHERE id = ?"),
    shiftGaps: db.prepare("UPDATE gaps SET first_seq = first_seq + ? WHERE stream_id = ? AND first_seq >= ? AND last_seq IS NULL"),
    allGaps: db.prepare("SELECT * FROM gaps ORDER BY id"),
    unreportedGaps: db.prepare("SELECT * FROM gaps WHERE reported = 0 ORDER BY id"),
    markGapReported: db.prepare("UPDATE gaps SET reported = 1 WHERE id = ?"),
  };
}
