import type { OutboxGap } from "./outbox-gaps";
import type { OutboxStatements } from "./outbox-statements";

/** What the outbox keeps in memory of one stream; the file holds the same, as of the last transaction. */
export interface StreamState {
  instrumentId: string;
  nextSeq: number;
  stored: number;
  /** The gap this stream is adding to while the outbox is full. */
  openGap: OutboxGap | null;
}

/**
 * The outbox's streams: each one's next seq and count of readings held, and the total of all,
 * loaded from the file on open and reloaded from it when a transaction fails.
 */
export class OutboxStreams {
  private readonly states = new Map<string, StreamState>();
  private held = 0;

  constructor(private readonly sql: OutboxStatements) {
    for (const s of sql.allStreams.all()) {
      this.states.set(s.stream_id, { instrumentId: s.instrument_id, nextSeq: s.next_seq, stored: 0, openGap: null });
    }
    for (const c of sql.countReadingsByStream.all()) {
      const state = this.states.get(c.stream_id);
      if (state) state.stored = c.n;
      this.held += c.n;
    }
  }

  /** Readings held, all streams together. */
  get total(): number {
    return this.held;
  }

  get(streamId: string): StreamState | undefined {
    return this.states.get(streamId);
  }

  /** The stream of a new reading, created at seq 0 if unknown; it takes the reading's instrument. */
  touch(streamId: string, instrumentId: string): StreamState {
    let state = this.states.get(streamId);
    if (!state) {
      state = { instrumentId, nextSeq: 0, stored: 0, openGap: null };
      this.states.set(streamId, state);
    }
    state.instrumentId = instrumentId;
    return state;
  }

  /** A stream the server numbered and this outbox never saw: its readings go on from `nextSeq`. */
  adopt(streamId: string, nextSeq: number): void {
    const state = { instrumentId: "", nextSeq, stored: 0, openGap: null };
    this.states.set(streamId, state);
    this.save(streamId, state);
  }

  /** Writes the stream's instrument and next seq. */
  save(streamId: string, state: StreamState): void {
    this.sql.upsertStream.run(streamId, state.instrumentId, state.nextSeq);
  }

  /** Streams that hold readings. */
  pending(): string[] {
    return [...this.states].filter(([, s]) => s.stored > 0).map(([id]) => id);
  }

  /** A reading of the stream was stored at its next seq. */
  added(state: StreamState): void {
    state.nextSeq++;
    state.stored++;
    this.held++;
  }

  /** `n` readings of the stream were deleted. */
  removed(state: StreamState, n: number): void {
    state.stored -= n;
    this.held -= n;
  }

  /** After a failed transaction: the stream as the file holds it, with no gap open. */
  reload(streamId: string): void {
    const row = this.sql.streamNextSeq.get(streamId);
    const n = this.sql.countReadings.get(streamId)!.n;
    const state = this.states.get(streamId);
    if (!state) return;
    this.held += n - state.stored;
    state.stored = n;
    state.nextSeq = row?.next_seq ?? 0;
    state.openGap = null;
  }
}
