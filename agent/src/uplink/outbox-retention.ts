import type { AckRow, OutboxStatements } from "./outbox-statements";
import type { OutboxStreams } from "./outbox-streams";

/** How long acknowledged readings are kept by default: a week, to outlive a server restored from last night's backup. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** Acks read per step while pruning. */
const PAGE = 64;

/**
 * Acknowledged readings are kept for `retentionMs` after their ack, so that a server that lost
 * them (a corrupted WAL, a restore from backup) gets them again. They go when the window ends, or
 * earlier, oldest ack first, when the cap needs room for new readings: retention never costs a
 * reading. Writes run inside the outbox's transactions.
 */
export class OutboxRetention {
  constructor(
    private readonly sql: OutboxStatements,
    private readonly streams: OutboxStreams,
    readonly retentionMs: number,
  ) {}

  /** The server acknowledged `streamId` up to `seq` at `now`: its readings there are kept from now. */
  acked(streamId: string, seq: number, now: number): void {
    this.sql.insertAck.run(streamId, seq, now);
  }

  /**
   * The server lost the stream's seqs above `seq`: their acks no longer hold, and the readings up
   * to `seq` keep the window of the oldest of them.
   */
  rewound(streamId: string, seq: number): void {
    if (seq >= 0) this.sql.clampAcks.run(seq, streamId, seq);
    this.sql.deleteAcksAbove.run(streamId, seq);
  }

  /** Deletes the readings whose ack is older than the window; returns how many went. */
  pruneExpired(now: number): number {
    let deleted = 0;
    for (;;) {
      const acks = this.sql.acksBefore.all(now - this.retentionMs, PAGE);
      for (const ack of acks) deleted += this.drop(ack);
      if (acks.length < PAGE) return deleted;
    }
  }

  /** Deletes the readings of the oldest ack to make room; false when no acknowledged reading is held. */
  makeRoom(): boolean {
    while (this.streams.retained > 0) {
      const ack = this.sql.oldestAck.get();
      if (!ack) return false;
      if (this.drop(ack) > 0) return true;
    }
    return false;
  }

  /** Everything of a stream's retained readings goes (the server numbered the stream anew). */
  dropAll(streamId: string): void {
    const state = this.streams.get(streamId);
    this.sql.deleteAcksAbove.run(streamId, -2);
    if (!state || state.retained === 0) return;
    this.streams.pruned(state, this.sql.deleteReadingsUpTo.run(streamId, state.ackedSeq).changes);
  }

  private drop(ack: AckRow): number {
    this.sql.deleteAcksUpTo.run(ack.stream_id, ack.seq);
    const state = this.streams.get(ack.stream_id);
    if (!state) return 0;
    // Never a pending reading: after a rewind, seqs above the acked seq wait to be sent again.
    const n = this.sql.deleteReadingsUpTo.run(ack.stream_id, Math.min(ack.seq, state.ackedSeq)).changes;
    this.streams.pruned(state, n);
    return n;
  }
}
