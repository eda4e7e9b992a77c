import type { ClockStamp } from "@telecal/protocols";
import type Database from "better-sqlite3";
import type { Logger } from "../log";
import { openOutboxDatabase } from "./outbox-db";
import type { OutboxBatch, OutboxOptions, OutboxReading } from "./outbox-types";
import { type OutboxGap, OutboxGaps } from "./outbox-gaps";
import { OutboxResume } from "./outbox-resume";
import { DEFAULT_RETENTION_MS, OutboxRetention } from "./outbox-retention";
import { type OutboxStatements, prepareOutboxStatements } from "./outbox-statements";
import { OutboxStreams } from "./outbox-streams";

export type { OutboxBatch, OutboxOptions, OutboxReading } from "./outbox-types";

/** What a reading taken before any clock exchange carries: no correction, known only to a second. */
const UNSYNCED: ClockStamp = { offsetMs: 0, uncertaintyMs: 1000 };

interface Queued {
  instrumentId: string;
  streamId: string;
  unit: string;
  reading: OutboxReading;
}

const ALARM_FILL = 0.8;
const ALARM_CLEAR = 0.7;

/**
 * The agent's durable outbox: a reading is committed to SQLite (WAL, synchronous=FULL) before it
 * can be sent, takes the next gap-free seq of its stream, and is kept until the server has
 * acknowledged it and the retention window after that ack has passed (outbox-retention.ts).
 * Readings are written in batches: one transaction per `commitIntervalMs` or per `commitBatch`
 * readings, so a crash loses at most the readings of the last few milliseconds, which had no seq
 * and were never sent. When full, acknowledged readings make room first; then the oldest are kept
 * and the newest become a gap record.
 */
export class Outbox {
  private readonly db: Database.Database;
  private readonly log: Logger;
  private readonly capacity: number;
  private readonly sql: OutboxStatements;
  private readonly streams: OutboxStreams;
  private readonly gapRecords: OutboxGaps;
  private readonly retention: OutboxRetention;
  /** Streams with a seq gap not yet reported: their batches wait, the server would refuse them. */
  private blocked = new Set<string>();
  private readonly now: () => number;
  private readonly resumer: OutboxResume;
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | null = null;
  private alarmed = false;
  private closed = false;
  /** Gaps closed since the outbox was opened: the uplink reads the gap table only when this moved. */
  private gapsClosedCount = 0;

  constructor(private readonly options: OutboxOptions) {
    this.log = options.log.child({ ns: "outbox" });
    this.capacity = options.capacity ?? 2_000_000;
    this.db = openOutboxDatabase(options.file);
    this.sql = prepareOutboxStatements(this.db);
    this.streams = new OutboxStreams(this.sql);
    this.gapRecords = new OutboxGaps(this.sql, this.log, this.capacity);
    this.retention = new OutboxRetention(this.sql, this.streams, options.retentionMs ?? DEFAULT_RETENTION_MS);
    this.now = options.now ?? Date.now;
    this.db.transaction(() => this.retention.pruneExpired(this.now()))();
    this.blocked = this.seqGapStreams();
    this.resumer = new OutboxResume({
      sql: this.sql,
      streams: this.streams,
      gaps: this.gapRecords,
      retention: this.retention,
      log: this.log,
      write: (streamId, fn) => this.write(streamId, fn),
      firstPending: (streamId) => this.peek(streamId, 1)?.firstSeq,
      ack: (streamId, seq) => this.ack(streamId, seq),
      seqGapMade: () => this.gapsClosedCount++,
    });
    if (this.streams.pending > 0) this.log.info({ readings: this.streams.pending, retained: this.streams.retained, file: options.file }, "outbox holds readings from before");
    this.checkFill();
  }

  /** Readings committed and not yet acknowledged. */
  get size(): number {
    return this.streams.pending;
  }

  /** Acknowledged readings kept for a server that might lose them. */
  get retained(): number {
    return this.streams.retained;
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
        const state = this.streams.touch(q.streamId, q.instrumentId);
        touched.add(q.streamId);
        if (this.streams.total >= this.capacity && !this.retention.makeRoom()) {
          state.openGap = this.gapRecords.add(q.streamId, state.openGap, state.nextSeq, q.reading.t);
          continue;
        }
        if (state.openGap) {
          this.gapRecords.close(state.openGap);
          this.gapsClosedCount++;
          state.openGap = null;
        }
        const clock = q.reading.clock ?? UNSYNCED;
        this.sql.insertReading.run(q.streamId, state.nextSeq, q.reading.t, q.reading.value, q.reading.flags, q.unit, clock.offsetMs, clock.uncertaintyMs);
        this.streams.added(state);
        stored++;
      }
      for (const streamId of touched) {
        const state = this.streams.get(streamId)!;
        this.streams.save(streamId, state);
        if (state.openGap) this.gapRecords.save(state.openGap);
      }
    });
    try {
      write();
    } catch (err) {
      // Nothing of this transaction is stored and no seq was taken; the readings are lost loudly.
      // Making room may have pruned any stream: all are read back.
      for (const [streamId] of [...this.streams.all()]) this.streams.reload(streamId);
      this.log.error({ err: (err as Error).message, readings: queue.length }, "outbox write failed; readings lost");
      return;
    }
    this.checkFill();
    if (stored > 0) this.options.onCommit?.();
  }

  /** Streams that hold unacknowledged readings and may send them (no seq gap waits to go first). */
  pendingStreams(): string[] {
    return [...this.streams.all()].filter(([id, s]) => s.stored > 0 && !this.blocked.has(id)).map(([id]) => id);
  }

  /** Streams with something still to send: unacknowledged readings, or a seq gap. */
  unsentStreams(): string[] {
    return [...this.streams.all()].filter(([id, s]) => s.stored > 0 || this.blocked.has(id)).map(([id]) => id);
  }

  /** Per stream, the highest seq the server acknowledged: the hello tells the server, which then knows if it lost some. */
  ackedSeqs(): Record<string, number> {
    return Object.fromEntries([...this.streams.all()].filter(([, s]) => s.ackedSeq >= 0).map(([id, s]) => [id, s.ackedSeq]));
  }

  /** Seq the next reading of `streamId` will take. */
  nextSeq(streamId: string): number {
    return this.streams.get(streamId)?.nextSeq ?? 0;
  }

  /** Up to `max` of the oldest unacknowledged readings of a stream, or null if it has none. */
  peek(streamId: string, max: number): OutboxBatch | null {
    const state = this.streams.get(streamId);
    if (!state || state.stored === 0 || this.closed) return null;
    const rows = this.sql.peekReadings.all(streamId, state.ackedSeq, max);
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

  /**
   * The server holds every seq of `streamId` up to `seq`: they are kept for the retention window
   * from now, and no longer sent. Returns how many readings were newly acknowledged.
   */
  ack(streamId: string, seq: number): number {
    const state = this.streams.get(streamId);
    if (!state || this.closed || seq <= state.ackedSeq) return 0;
    const now = this.now();
    let n = 0;
    this.write(streamId, () => {
      n = this.sql.countReadingsBetween.get(streamId, state.ackedSeq, seq)!.n;
      state.ackedSeq = seq;
      this.streams.acknowledged(state, n);
      this.streams.save(streamId, state);
      this.retention.acked(streamId, seq, now);
      this.retention.pruneExpired(now);
    });
    this.checkFill();
    return n;
  }

  /**
   * Applies the seq the server holds for a stream, from its hello answer: acks up to it, or sends
   * again from it what the server lost, or numbers on after it (outbox-resume.ts).
   */
  resume(streamId: string, serverSeq: number): void {
    if (this.closed) return;
    this.resumer.apply(streamId, serverSeq);
    this.blocked = this.seqGapStreams();
  }

  /** One transaction on a stream; on failure the stream is as the file holds it, and the error goes on. */
  private write(streamId: string, fn: () => void): void {
    try {
      this.db.transaction(fn)();
    } catch (err) {
      this.streams.reload(streamId);
      throw err;
    }
  }

  private seqGapStreams(): Set<string> {
    return new Set(this.gapRecords.list(false).flatMap((g) => (g.lastSeq !== undefined ? [g.streamId] : [])));
  }

  /** Gap records, oldest first; by default only those not yet reported to the server. */
  gaps(options: { all?: boolean } = {}): OutboxGap[] {
    return this.gapRecords.list(options.all ?? false);
  }

  /** Gap records not yet reported and no longer growing (a reading was kept after them), with their instrument. */
  get gapsClosed(): number {
    return this.gapsClosedCount;
  }

  closedGaps(): (OutboxGap & { instrumentId: string })[] {
    return this.gapRecords.list(false).flatMap((g) => {
      const state = this.streams.get(g.streamId);
      return !state || state.openGap?.id === g.id ? [] : [{ ...g, instrumentId: state.instrumentId }];
    });
  }

  /** Marks gap records as delivered to the server. */
  markGapsReported(ids: number[]): void {
    this.db.transaction(() => this.gapRecords.markReported(ids))();
    this.blocked = this.seqGapStreams();
  }

  /** Commits what is queued and closes the file. */
  close(): void {
    if (this.closed) return;
    this.commit();
    this.closed = true;
    this.db.close();
  }

  private checkFill(): void {
    // Retained readings give way to new ones: only those the server has not acknowledged fill it.
    const total = this.streams.pending;
    const fill = total / this.capacity;
    if (!this.alarmed && fill >= ALARM_FILL) {
      this.alarmed = true;
      this.log.warn({ readings: total, capacity: this.capacity }, "outbox 80 % full: the server is not keeping up");
    } else if (this.alarmed && fill < ALARM_CLEAR) {
      this.alarmed = false;
      this.log.info({ readings: total, capacity: this.capacity }, "outbox below 70 % again");
    }
  }
}
