import type { Logger } from "../log";
import type { OutboxStatements } from "./outbox-statements";

/**
 * Readings that the outbox could not keep because it was full. They took no seq: the stream's seq
 * stays gap-free and the hole lies between `firstSeq - 1` and `firstSeq`. Or, with `lastSeq`, seqs
 * the server lost after acknowledging them.
 */
export interface OutboxGap {
  id: number;
  streamId: string;
  /** Seq the first missing reading would have had, and which the next stored reading carries. */
  firstSeq: number;
  count: number;
  tFirst: number;
  tLast: number;
  reason: "outbox-full" | "server-lost";
  reported: boolean;
  /**
   * A seq gap (`server-lost`): seqs `firstSeq` to `lastSeq` were taken and acknowledged, the server
   * lost them and the outbox no longer holds them. `count` is their number; no times are known.
   */
  lastSeq?: number;
}

/**
 * The gap records: while the outbox is full, a stream's new readings are counted in one open gap
 * that the next reading stored closes. Writes run inside the outbox's transactions.
 */
export class OutboxGaps {
  constructor(
    private readonly sql: OutboxStatements,
    private readonly log: Logger,
    private readonly capacity: number,
  ) {}

  /** Counts a reading taken at `t` in the stream's open gap, or opens one at `nextSeq`; returns the gap. */
  add(streamId: string, open: OutboxGap | null, nextSeq: number, t: number): OutboxGap {
    if (open) {
      open.count++;
      open.tLast = t;
      return open;
    }
    const id = Number(this.sql.insertGap.run(streamId, nextSeq, 1, t, t, "outbox-full").lastInsertRowid);
    this.log.error({ streamId, firstSeq: nextSeq, capacity: this.capacity }, "outbox full: new readings are not kept; gap record opened");
    return { id, streamId, firstSeq: nextSeq, count: 1, tFirst: t, tLast: t, reason: "outbox-full", reported: false };
  }

  /** The server lost seqs `firstSeq` to `lastSeq`, acknowledged and no longer held here: a closed seq gap. */
  addSeqGap(streamId: string, firstSeq: number, lastSeq: number): void {
    this.sql.insertSeqGap.run(streamId, firstSeq, lastSeq - firstSeq + 1, lastSeq);
    this.log.error({ streamId, firstSeq, lastSeq }, "the server lost acknowledged readings this outbox no longer holds: seq gap record made");
  }

  /** Writes an open gap's count and last time, which `add` keeps in memory only. */
  save(gap: OutboxGap): void {
    this.sql.updateGap.run(gap.count, gap.tLast, gap.id);
  }

  /** A reading was stored after the gap: it is complete. */
  close(gap: OutboxGap): void {
    this.save(gap);
    this.log.error(
      { streamId: gap.streamId, firstSeq: gap.firstSeq, count: gap.count, tFirst: gap.tFirst, tLast: gap.tLast, reason: gap.reason },
      "outbox gap closed: readings missing before this seq",
    );
  }

  /** A stream's readings were renumbered from `fromSeq` on: its gaps there move with them. */
  shift(streamId: string, fromSeq: number, shift: number): void {
    this.sql.shiftGaps.run(shift, streamId, fromSeq);
  }

  /** Gap records, oldest first; by default only those not yet reported to the server. */
  list(all: boolean): OutboxGap[] {
    const rows = (all ? this.sql.allGaps : this.sql.unreportedGaps).all();
    return rows.map((r) => ({
      id: r.id,
      streamId: r.stream_id,
      firstSeq: r.first_seq,
      count: r.count,
      tFirst: r.t_first,
      tLast: r.t_last,
      reason: r.reason,
      reported: r.reported !== 0,
      ...(r.last_seq !== null ? { lastSeq: r.last_seq } : {}),
    }));
  }

  markReported(ids: number[]): void {
    for (const id of ids) this.sql.markGapReported.run(id);
  }
}
