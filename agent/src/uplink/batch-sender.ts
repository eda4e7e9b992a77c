import { type BatchAck, type ReadingBatch, type Reply, batchSigningBytes } from "@telecal/protocols";
import { type KeyObject, sign } from "node:crypto";
import type { Logger } from "../log";
import type { Outbox } from "./outbox";

/** A batch whose newest reading is older than this is sent as history, not shown as live. */
const LIVE_WINDOW_MS = 2000;
/**
 * Readings per batch: small enough that storing one (a single SQLite transaction on the server)
 * never holds up live values for long while a backlog drains; bench/uplink.ts measures both.
 */
export const MAX_BATCH = 250;
/** A stream whose batch the server refused is tried again after this. */
const REFUSED_RETRY_MS = 1000;

export interface BatchSenderOptions {
  outbox: Outbox;
  log: Logger;
  /** Emits a batch and resolves with the server's answer; rejects when none came in time. */
  emit: (batch: ReadingBatch) => Promise<Reply<BatchAck>>;
  /** Server UTC now, to tell history from live. */
  now: () => number;
  /** A batch went unanswered on the current connection: the link is taken as dead. */
  onUnanswered: (why: string) => void;
  maxBatch?: number;
  /** The agent's Ed25519 device key: each batch is signed with it. Without one, batches go unsigned. */
  deviceKey?: KeyObject;
  /**
   * A batch was refused because it starts past what the server holds (it lost readings it had
   * acknowledged, e.g. on a database fail-over): a new hello learns its seqs and resumes from them.
   */
  onSeqRefused?: (streamId: string) => void;
}

/** Refusals that mean the server holds less of the stream than the agent thinks. */
const SEQ_REFUSALS = new Set(["TC_ERR_SEQ_GAP", "TC_ERR_FIRST_SEQ_SKIPPED"]);

/**
 * Sends the outbox's readings as batches and deletes what the server acks. One batch per stream is
 * in flight at a time; a backlog drains batch after batch. It follows the link: `open` once a hello
 * is accepted, `lost` when the connection goes, `stop` for good.
 */
export class BatchSender {
  /** Streams with a batch in flight, and the connection it was sent on. */
  private readonly inFlight = new Map<string, number>();
  /** Counts connections, so that an answer from an earlier one is not taken for the current. */
  private connection = 0;
  /** Streams whose last batch the server refused, and when to try again (or at the next hello). */
  private readonly parked = new Map<string, number>();
  private sending = false;
  private stopped = false;
  private warnedUnsigned = false;

  constructor(private readonly options: BatchSenderOptions) {}

  /** A hello was accepted: refused streams get another try and sending starts. */
  open(): void {
    this.parked.clear();
    this.sending = true;
    this.flush();
  }

  /** The connection is gone: batches in flight on it will never be answered. */
  lost(): void {
    this.sending = false;
    this.connection++;
    this.inFlight.clear();
  }

  stop(): void {
    this.stopped = true;
  }

  /** Sends a batch of every stream that holds readings and has none in flight or parked. */
  flush(): void {
    if (!this.sending || this.stopped) return;
    for (const streamId of this.options.outbox.pendingStreams()) {
      if (!this.inFlight.has(streamId) && (this.parked.get(streamId) ?? 0) <= Date.now()) void this.send(streamId);
    }
  }

  private async send(streamId: string): Promise<void> {
    const batch = this.batchOf(streamId);
    if (!batch) return;
    const connection = this.connection;
    this.inFlight.set(streamId, connection);
    let reply: Reply<BatchAck>;
    try {
      reply = await this.options.emit(batch);
    } catch {
      if (connection === this.connection && !this.stopped) {
        this.options.onUnanswered(`batch ${streamId}#${batch.firstSeq} not acknowledged in time`);
      }
      return;
    } finally {
      if (this.inFlight.get(streamId) === connection) this.inFlight.delete(streamId);
    }
    if (this.stopped) return;
    if (!reply.ok) {
      // A refused stream waits a while (or for the next hello) rather than hammering the server.
      if (!this.parked.has(streamId)) this.options.log.error({ error: reply.error, streamId }, "batch refused; retrying later");
      this.parked.set(streamId, Date.now() + REFUSED_RETRY_MS);
      if (SEQ_REFUSALS.has(reply.error.code)) this.options.onSeqRefused?.(streamId);
      return;
    }
    this.parked.delete(streamId);
    // An ack is the server's word whichever connection it came on: what it holds is held.
    this.options.outbox.ack(streamId, reply.ackedSeq);
    // A backlog drains batch after batch, not one per flush tick.
    if (connection === this.connection) this.flush();
  }

  /** The oldest readings of a stream the outbox holds, as a signed batch; null if it holds none. */
  private batchOf(streamId: string): ReadingBatch | null {
    const pending = this.options.outbox.peek(streamId, this.options.maxBatch ?? MAX_BATCH);
    const last = pending?.readings[pending.readings.length - 1];
    if (!pending || !last) return null;
    const batch: ReadingBatch = {
      streamId,
      instrumentId: pending.instrumentId,
      firstSeq: pending.firstSeq,
      t: pending.readings.map((r) => r.t),
      values: pending.readings.map((r) => r.value),
      flags: pending.readings.map((r) => r.flags),
      unit: pending.unit,
      clock: pending.clock,
      historical: this.options.now() - last.t > LIVE_WINDOW_MS,
    };
    if (this.options.deviceKey) {
      batch.signature = sign(null, batchSigningBytes(batch), this.options.deviceKey).toString("base64");
    } else if (!this.warnedUnsigned) {
      this.warnedUnsigned = true;
      this.options.log.warn({}, "agent not enrolled with a device key: batches go unsigned and the server will refuse them");
    }
    return batch;
  }
}
