import type { ClockStamp } from "@telecal/protocols";
import type Database from "better-sqlite3";
import type { Logger } from "../log";
import { openOutboxDatabase } from "./outbox-db";

export interface OutboxReading {
  /** Server-UTC milliseconds. */
  t: number;
  value: number | null;
  flags: number;
  /** The agent's clock offset to the server, and its uncertainty, when the reading was taken. */
  clock?: ClockStamp;
}

/** What a reading taken before any clock exchange carries: no correction, known only to a second. */
const UNSYNCED: ClockStamp = { offsetMs: 0, uncertaintyMs: 1000 };

export interface OutboxOptions {
  /** The SQLite file, created with its folder if missing; ":memory:" keeps nothing across restarts. */
  file: string;
  log: Logger;
  /** Most readings held, all streams together; beyond it new readings become a gap record. */
  capacity?: number;
  /** Readings wait at most this long in memory before their transaction. */
  commitIntervalMs?: number;
  /** A transaction is written at once when this many readings wait. */
  commitBatch?: number;
  /** Called after each transaction that stored readings, e.g. to send them at once. */
  onCommit?: () => void;
}

/** Consecutive unacknowledged readings of one stream, oldest first, all in one unit and clock stamp. */
export interface OutboxBatch {
  streamId: string;
  instrumentId: string;
  unit: string;
  clock: ClockStamp;
  firstSeq: number;
  readings: OutboxReading[];
}

/**
 * Readings that the outbox could not keep because it was full. They took no seq: the stream's seq
 * stays gap-free and the hole lies between `firstSeq - 1` and `firstSeq`.
 */
export interface OutboxGap {
  id: number;
  streamId: string;
  /** Seq the first missing reading would have had, and which the next stored reading carries. */
  firstSeq: number;
  count: number;
  tFirst: number;
  tLast: number;
  reason: "outbox-full";
  reported: boolean;
}

interface StreamState {
  instrumentId: string;
  nextSeq: number;
  stored: number;
  /** The gap this stream is adding to while the outbox is full. */
  openGap: OutboxGap | null;
}

interface Queued {
  instrumentId: string;
  streamId: string;
  unit: string;
  reading: OutboxReading;
}

interface GapRow {
  id: number;
  stream_id: string;
  first_seq: number;
  count: number;
  t_first: number;
  t_last: number;
  reason: "outbox-full";
  reported: number;
}

const ALARM_FILL = 0.8;
const ALARM_CLEAR = 0.7;

/**
 * The agent's durable outbox: a reading is committed to SQLite (WAL, synchronous=FULL) before it
 * can be sent, takes the next gap-free seq of its stream, and is deleted only when the server
 * acknowledges it. Readings are written in batches: one transaction per `commitIntervalMs` or per
 * `commitBatch` readings, so a crash loses at most the readings of the last few milliseconds, which
 * had no seq and were never sent. When full, the oldest are kept and the newest become a gap record.
 */
export class Outbox {
  private readonly db: Database.Database;
  private readonly log: Logger;
  private readonly capacity: number;
  private readonly streamStates = new Map<string, StreamState>();
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | null = null;
  private total = 0;
  private alarmed = false;
  private closed = false;
  private readonly sql: {
    insert: Database.Statement;
    upsertStream: Database.Statement;
    peek: Database.Statement;
    deleteUpTo: Database.Statement;
    insertGap: Database.Statement;
    updateGap: Database.Statement;
  };

  constructor(private readonly options: OutboxOptions) {
    this.log = options.log.child({ ns: "outbox" });
    this.capacity = options.capacity ?? 2_000_000;
    this.db = openOutboxDatabase(options.file);
    this.sql = {
      insert: this.db.prepare(
        "INSERT INTO readings (stream_id, seq, t, value, flags, unit, clock_offset_ms, clock_uncertainty_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      upsertStream: this.db.prepare(
        `INSERT INTO streams (stream_id, instrument_id, next_seq) VALUES (?, ?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET instrument_id = excluded.instrument_id, next_seq = excluded.next_seq`,
      ),
      peek: this.db.prepare(
        "SELECT seq, t, value, flags, unit, clock_offset_ms, clock_uncertainty_ms FROM readings WHERE stream_id = ? ORDER BY seq LIMIT ?",
      ),
      deleteUpTo: this.db.prepare("DELETE FROM readings WHERE stream_id = ? AND seq <= ?"),
      insertGap: this.db.prepare(
        "INSERT INTO gaps (stream_id, first_seq, count, t_first, t_last, reason) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      updateGap: this.db.prepare("UPDATE gaps SET count = ?, t_last = ? WHERE id = ?"),
    };
    const streams = this.db.prepare("SELECT stream_id, instrument_id, next_seq FROM streams").all() as {
      stream_id: string;
      instrument_id: string;
      next_seq: number;
    }[];
    for (const s of streams) {
      this.streamStates.set(s.stream_id, { instrumentId: s.instrument_id, nextSeq: s.next_seq, stored: 0, openGap: null });
    }
    const counts = this.db.prepare("SELECT stream_id, COUNT(*) AS n FROM readings GROUP BY stream_id").all() as {
      stream_id: string;
      n: number;
    }[];
    for (const c of counts) {
      const state = this.streamStates.get(c.stream_id);
      if (state) state.stored = c.n;
      this.total += c.n;
    }
    if (this.total > 0) this.log.info({ readings: this.total, file: options.file }, "outbox holds readings from before");
    this.checkFill();
  }

  /** Readings committed and not yet acknowledged. */
  get size(): number {
    return this.total;
  }

  /** Readings waiting for their transaction. */
  get queued(): number {
    return this.queue.length;
  }

  /** Queues one reading; it is committed within `commitIntervalMs`, and only then can be sent. */
  push(instrumentId: string, streamId: string, unit: string, reading: OutboxReading): void {
    if (this.closed) {
      this.log.error({ streamId }, "reading after the outbox was closed; not stored");
      return;
    }
    this.queue.push({ instrumentId, streamId, unit, reading });
    if (this.queue.length >= (this.options.commitBatch ?? 500)) this.commit();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.commit(), this.options.commitIntervalMs ?? 50);
      this.timer.unref();
    }
  }

  /** Writes every queued reading in one transaction and gives each its seq. */
  commit(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length === 0 || this.closed) return;
    const queue = this.queue;
    this.queue = [];
    const touched = new Set<string>();
    let stored = 0;
    const write = this.db.transaction(() => {
      for (const q of queue) {
        const state = this.stream(q.streamId, q.instrumentId);
        touched.add(q.streamId);
        if (this.total >= this.capacity) {
          this.addToGap(q.streamId, state, q.reading);
          continue;
        }
        if (state.openGap) this.closeGap(q.streamId, state);
        const clock = q.reading.clock ?? UNSYNCED;
        this.sql.insert.run(q.streamId, state.nextSeq, q.reading.t, q.reading.value, q.reading.flags, q.unit, clock.offsetMs, clock.uncertaintyMs);
        state.nextSeq++;
        state.stored++;
        this.total++;
        stored++;
      }
      for (const streamId of touched) {
        const state = this.streamStates.get(streamId)!;
        this.sql.upsertStream.run(streamId, state.instrumentId, state.nextSeq);
        const gap = state.openGap;
        if (gap) this.sql.updateGap.run(gap.count, gap.tLast, gap.id);
      }
    });
    try {
      write();
    } catch (err) {
      // Nothing of this transaction is stored and no seq was taken; the readings are lost loudly.
      for (const streamId of touched) this.reloadStream(streamId);
      this.log.error({ err: (err as Error).message, readings: queue.length }, "outbox write failed; readings lost");
      return;
    }
    this.checkFill();
    if (stored > 0) this.options.onCommit?.();
  }

  /** Streams that hold unacknowledged readings. */
  pendingStreams(): string[] {
    return [...this.streamStates].filter(([, s]) => s.stored > 0).map(([id]) => id);
  }

  /** Seq the next reading of `streamId` will take. */
  nextSeq(streamId: string): number {
    return this.streamStates.get(streamId)?.nextSeq ?? 0;
  }

  /** Up to `max` of the oldest unacknowledged readings of a stream, or null if it has none. */
  peek(streamId: string, max: number): OutboxBatch | null {
    const state = this.streamStates.get(streamId);
    if (!state || state.stored === 0 || this.closed) return null;
    const rows = this.sql.peek.all(streamId, max) as (OutboxReading & {
      seq: number;
      unit: string;
      clock_offset_ms: number;
      clock_uncertainty_ms: number;
    })[];
    const first = rows[0];
    if (!first) return null;
    const readings: OutboxReading[] = [];
    for (const r of rows) {
      // A batch has one unit, one clock stamp and consecutive seqs.
      if (
        r.unit !== first.unit ||
        r.seq !== first.seq + readings.length ||
        r.clock_offset_ms !== first.clock_offset_ms ||
        r.clock_uncertainty_ms !== first.clock_uncertainty_ms
      ) {
        break;
      }
      readings.push({ t: r.t, value: r.value, flags: r.flags });
    }
    const clock = { offsetMs: first.clock_offset_ms, uncertaintyMs: first.clock_uncertainty_ms };
    return { streamId, instrumentId: state.instrumentId, unit: first.unit, clock, firstSeq: first.seq, readings };
  }

  /** The server holds every seq of `streamId` up to `seq`: deletes them. Returns how many went. */
  ack(streamId: string, seq: number): number {
    const state = this.streamStates.get(streamId);
    if (!state || state.stored === 0 || this.closed) return 0;
    const deleted = this.sql.deleteUpTo.run(streamId, seq).changes;
    state.stored -= deleted;
    this.total -= deleted;
    this.checkFill();
    return deleted;
  }

  /**
   * Applies the seq the server holds for a stream, from its hello answer. A server that holds seqs
   * this outbox never numbered (a new data dir) would drop ours as duplicates: the readings held are
   * numbered on from the server's seq instead.
   */
  resume(streamId: string, serverSeq: number): void {
    if (this.closed) return;
    const state = this.streamStates.get(streamId);
    if (!state) {
      if (serverSeq < 0) return;
      this.streamStates.set(streamId, { instrumentId: "", nextSeq: serverSeq + 1, stored: 0, openGap: null });
      this.sql.upsertStream.run(streamId, "", serverSeq + 1);
      return;
    }
    if (serverSeq < state.nextSeq) {
      this.ack(streamId, serverSeq);
      return;
    }
    const first = this.peek(streamId, 1)?.firstSeq ?? state.nextSeq;
    const shift = serverSeq + 1 - first;
    this.log.warn({ streamId, serverSeq, nextSeq: state.nextSeq, shift }, "server is ahead of this outbox; renumbering");
    this.db.transaction(() => {
      // New seqs all lie above the old ones, so the primary key never collides on the way.
      this.db.prepare("UPDATE readings SET seq = seq + ? WHERE stream_id = ?").run(shift, streamId);
      this.db
        .prepare("UPDATE gaps SET first_seq = first_seq + ? WHERE stream_id = ? AND first_seq >= ?")
        .run(shift, streamId, first);
      state.nextSeq += shift;
      if (state.openGap) state.openGap.firstSeq += shift;
      this.sql.upsertStream.run(streamId, state.instrumentId, state.nextSeq);
    })();
  }

  /** Gap records, oldest first; by default only those not yet reported to the server. */
  gaps(options: { all?: boolean } = {}): OutboxGap[] {
    const rows = this.db
      .prepare(`SELECT * FROM gaps ${options.all ? "" : "WHERE reported = 0"} ORDER BY id`)
      .all() as GapRow[];
    return rows.map((r) => ({
      id: r.id,
      streamId: r.stream_id,
      firstSeq: r.first_seq,
      count: r.count,
      tFirst: r.t_first,
      tLast: r.t_last,
      reason: r.reason,
      reported: r.reported !== 0,
    }));
  }

  /** Marks gap records as delivered (once the protocol carries them). */
  markGapsReported(ids: number[]): void {
    const mark = this.db.prepare("UPDATE gaps SET reported = 1 WHERE id = ?");
    this.db.transaction(() => ids.forEach((id) => mark.run(id)))();
  }

  /** Commits what is queued and closes the file. */
  close(): void {
    if (this.closed) return;
    this.commit();
    this.closed = true;
    this.db.close();
  }

  private stream(streamId: string, instrumentId: string): StreamState {
    let state = this.streamStates.get(streamId);
    if (!state) {
      state = { instrumentId, nextSeq: 0, stored: 0, openGap: null };
      this.streamStates.set(streamId, state);
    }
    state.instrumentId = instrumentId;
    return state;
  }

  private reloadStream(streamId: string): void {
    const row = this.db.prepare("SELECT next_seq FROM streams WHERE stream_id = ?").get(streamId) as
      | { next_seq: number }
      | undefined;
    const n = (this.db.prepare("SELECT COUNT(*) AS n FROM readings WHERE stream_id = ?").get(streamId) as { n: number }).n;
    const state = this.streamStates.get(streamId);
    if (!state) return;
    this.total += n - state.stored;
    state.stored = n;
    state.nextSeq = row?.next_seq ?? 0;
    state.openGap = null;
  }

  private addToGap(streamId: string, state: StreamState, reading: OutboxReading): void {
    const gap = state.openGap;
    if (gap) {
      gap.count++;
      gap.tLast = reading.t;
      return;
    }
    const id = Number(
      this.sql.insertGap.run(streamId, state.nextSeq, 1, reading.t, reading.t, "outbox-full").lastInsertRowid,
    );
    state.openGap = {
      id,
      streamId,
      firstSeq: state.nextSeq,
      count: 1,
      tFirst: reading.t,
      tLast: reading.t,
      reason: "outbox-full",
      reported: false,
    };
    this.log.error(
      { streamId, firstSeq: state.nextSeq, capacity: this.capacity },
      "outbox full: new readings are not kept; gap record opened",
    );
  }

  private closeGap(streamId: string, state: StreamState): void {
    const gap = state.openGap!;
    this.sql.updateGap.run(gap.count, gap.tLast, gap.id);
    state.openGap = null;
    this.log.error(
      { streamId, firstSeq: gap.firstSeq, count: gap.count, tFirst: gap.tFirst, tLast: gap.tLast, reason: gap.reason },
      "outbox gap closed: readings missing before this seq",
    );
  }

  private checkFill(): void {
    const fill = this.total / this.capacity;
    if (!this.alarmed && fill >= ALARM_FILL) {
      this.alarmed = true;
      this.log.warn({ readings: this.total, capacity: this.capacity }, "outbox 80 % full: the server is not keeping up");
    } else if (this.alarmed && fill < ALARM_CLEAR) {
      this.alarmed = false;
      this.log.info({ readings: this.total, capacity: this.capacity }, "outbox below 70 % again");
    }
  }
}
