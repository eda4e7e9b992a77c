import type { OutboxGap } from "./outbox-gaps";
import type { OutboxStatements } from "./outbox-statements";

/** What the outbox keeps in memory of one stream; the file holds the same, as of the last transaction. */
export interface StreamState {
  instrumentId: string;
  nextSeq: number;
  /** Highest seq the server acknowledged (-1: none): readings above it are pending, those up to it retained. */
  ackedSeq: number;
  /** Readings not yet acknowledged. */
  stored: number;
  /** Acknowledged readings kept for a server that might lose them. */
  retained: number;
  /** The gap this stream is adding to while the outbox is full. */
  openGap: OutboxGap | null;
}

/**
 * The outbox's streams: each one's next seq, acked seq and counts of readings held, and the totals
 * of all, loaded from the file on open and reloaded from it when a transaction fails.
 */
export class OutboxStreams {
  private readonly states = new Map<string, StreamState>();
  private pendingTotal = 0;
  private retainedTotal = 0;

  constructor(private readonly sql: OutboxStatements) {
    for (const s of sql.allStreams.all()) {
      this.states.set(s.stream_id, { instrumentId: s.instrument_id, nextSeq: s.next_seq, ackedSeq: s.acked_seq, stored: 0, retained: 0, openGap: null });
    }
    for (const c of sql.countReadingsByStream.all()) {
      const state = this.states.get(c.stream_id);
      if (!state) continue;
      state.stored = c.pending;
      state.retained = c.retained;
      this.pendingTotal += c.pending;
      this.retainedTotal += c.retained;
    }
  }

  /** Readings not yet acknowledged, all streams together. */
  get pending(): number {
    return this.pendingTotal;
  }

  /** Acknowledged readings kept, all streams together. */
  get retained(): number {
    return this.retainedTotal;
  }

  /** Every reading the file holds: what the cap bounds. */
  get total(): number {
    return this.pendingTotal + this.retainedTotal;
  }

  get(streamId: string): StreamState | undefined {
    return this.states.get(streamId);
  }

  all(): IterableIterator<[string, StreamState]> {
    return this.states.entries();
  }

  /** The stream of a new reading, created at seq 0 if unknown; it takes the reading's instrument. */
  touch(streamId: string, instrumentId: string): StreamState {
    let state = this.states.get(streamId);
    if (!state) {
      state = { instrumentId, nextSeq: 0, ackedSeq: -1, stored: 0, retained: 0, openGap: null };
      this.states.set(streamId, state);
    }
    state.instrumentId = instrumentId;
    return state;
  }

  /** A stream the server numbered and this outbox never saw: its readings go on from `nextSeq`. */
  adopt(streamId: string, nextSeq: number): void {
    const state = { instrumentId: "", nextSeq, ackedSeq: nextSeq - 1, stored: 0, retained: 0, openGap: null };
    this.states.set(streamId, state);
    this.save(streamId, state);
  }

  /** Writes the stream's instrument, next seq and acked seq. */
  save(streamId: string, state: StreamState): void {
    this.sql.upsertStream.run(streamId, state.instrumentId, state.nextSeq, state.ackedSeq);
  }

  /** A reading of the stream was stored at its next seq. */
  added(state: StreamState): void {
    state.nextSeq++;
    state.stored++;
    this.pendingTotal++;
  }

  /** `n` pending readings were acknowledged (n > 0) or, after the server lost them, are pending again (n < 0). */
  acknowledged(state: StreamState, n: number): void {
    state.stored -= n;
    state.retained += n;
    this.pendingTotal -= n;
    this.retainedTotal += n;
  }

  /** `n` retained readings were deleted. */
  pruned(state: StreamState, n: number): void {
    state.retained -= n;
    this.retainedTotal -= n;
  }

  /** After a failed transaction: the stream as the file holds it, with no gap open. */
  reload(streamId: string): void {
    const state = this.states.get(streamId);
    if (!state) return;
    const row = this.sql.streamRow.get(streamId);
    state.nextSeq = row?.next_seq ?? 0;
    state.ackedSeq = row?.acked_seq ?? -1;
    const stored = this.sql.countReadingsBetween.get(streamId, state.ackedSeq, Number.MAX_SAFE_INTEGER)!.n;
    const retained = this.sql.countReadingsBetween.get(streamId, -2, state.ackedSeq)!.n;
    this.pendingTotal += stored - state.stored;
    this.retainedTotal += retained - state.retained;
    state.stored = stored;
    state.retained = retained;
    state.openGap = null;
  }
}
