import type { Logger } from "../log";
import type { OutboxGaps } from "./outbox-gaps";
import type { OutboxRetention } from "./outbox-retention";
import type { OutboxStatements } from "./outbox-statements";
import type { OutboxStreams, StreamState } from "./outbox-streams";

/** What resuming a stream needs of the outbox. */
export interface ResumeParts {
  sql: OutboxStatements;
  streams: OutboxStreams;
  gaps: OutboxGaps;
  retention: OutboxRetention;
  log: Logger;
  /** Runs `fn` in one transaction of the outbox's file. */
  write: (streamId: string, fn: () => void) => void;
  firstPending: (streamId: string) => number | undefined;
  ack: (streamId: string, seq: number) => number;
  seqGapMade: () => void;
}

/**
 * Applies the seq the server holds for a stream (its hello answer's `acked`):
 * - at or above what it acknowledged before, within what this outbox numbered: an ack;
 * - below what it acknowledged before: the server lost readings. Sending starts again from its
 *   seq, out of the readings retained after their ack; seqs no longer held become a seq gap,
 *   which goes to the server before the stream's next batch;
 * - above what this outbox numbered (a new outbox file): the readings held are numbered on from it.
 */
export class OutboxResume {
  constructor(private readonly p: ResumeParts) {}

  apply(streamId: string, serverSeq: number): void {
    const state = this.p.streams.get(streamId);
    if (!state) {
      if (serverSeq >= 0) this.p.streams.adopt(streamId, serverSeq + 1);
      return;
    }
    if (serverSeq >= state.nextSeq) return this.renumber(streamId, state, serverSeq);
    if (serverSeq >= state.ackedSeq) {
      this.p.ack(streamId, serverSeq);
      return;
    }
    this.rewind(streamId, state, serverSeq);
  }

  private rewind(streamId: string, state: StreamState, serverSeq: number): void {
    const { sql, streams } = this.p;
    const lowest = Math.min(sql.lowestSeq.get(streamId)?.seq ?? state.nextSeq, state.nextSeq);
    this.p.log.error({ streamId, serverSeq, ackedSeq: state.ackedSeq, lowestHeld: lowest }, "the server holds less than it acknowledged; sending again from its seq");
    this.p.write(streamId, () => {
      const n = sql.countReadingsBetween.get(streamId, serverSeq, state.ackedSeq)!.n;
      streams.acknowledged(state, -n);
      state.ackedSeq = serverSeq;
      this.p.retention.rewound(streamId, serverSeq);
      if (lowest > serverSeq + 1) {
        this.p.gaps.addSeqGap(streamId, serverSeq + 1, lowest - 1);
        this.p.seqGapMade();
      }
      streams.save(streamId, state);
    });
  }

  /** The server holds seqs this outbox never numbered: its pending readings go on after them, its retained ones are of no use. */
  private renumber(streamId: string, state: StreamState, serverSeq: number): void {
    const first = this.p.firstPending(streamId) ?? state.nextSeq;
    const shift = serverSeq + 1 - first;
    this.p.log.warn({ streamId, serverSeq, nextSeq: state.nextSeq, shift }, "server is ahead of this outbox; renumbering");
    this.p.write(streamId, () => {
      this.p.retention.dropAll(streamId);
      // New seqs all lie above the old ones, so the primary key never collides on the way.
      this.p.sql.shiftReadings.run(shift, streamId);
      this.p.gaps.shift(streamId, first, shift);
      state.nextSeq += shift;
      state.ackedSeq = serverSeq;
      if (state.openGap) state.openGap.firstSeq += shift;
      this.p.streams.save(streamId, state);
    });
  }
}
