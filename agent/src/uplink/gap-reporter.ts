import { type GapAck, gapSigningBytes, type ReadingGap, type Reply } from "@telecal/protocols";
import { type KeyObject, sign } from "node:crypto";
import type { Logger } from "../log";
import type { Outbox } from "./outbox";
import type { OutboxGap } from "./outbox-gaps";

export interface GapReporterOptions {
  outbox: Outbox;
  log: Logger;
  /** Emits a gap and resolves with the server's answer; rejects when none came in time. */
  emit: (gap: ReadingGap) => Promise<Reply<GapAck>>;
  /** The agent's device key: a gap is signed like a batch. Without one nothing is sent (the server would refuse it). */
  deviceKey?: KeyObject;
  /** A seq gap was acked: the stream it held back may send again. */
  onSeqGapDelivered?: () => void;
}

/** The gap as the agent signs it: a seq gap (it has `lastSeq`) in its own form and domain, else a count gap. */
export function signGap(gap: OutboxGap & { instrumentId: string }, key: KeyObject): ReadingGap {
  const { streamId, instrumentId, firstSeq } = gap;
  const unsigned =
    gap.lastSeq !== undefined
      ? { streamId, instrumentId, firstSeq, lastSeq: gap.lastSeq, reason: "server-lost" as const }
      : { streamId, instrumentId, firstSeq, count: gap.count, tFirst: gap.tFirst, tLast: gap.tLast, reason: "outbox-full" as const };
  return { ...unsigned, signature: sign(null, gapSigningBytes(unsigned), key).toString("base64") };
}

/**
 * Tells the server of readings the outbox could not keep: every complete gap record it has not
 * acked, one at a time, after each hello and at each flush tick. An acked gap is marked reported
 * and never sent again; a refused one waits for the next hello.
 */
export class GapReporter {
  private sending = false;
  private busy = false;
  /** The outbox's gapsClosed when its gap table was last read with nothing left to send; -1: read it. */
  private seen = -1;
  private readonly refused = new Set<number>();
  private warnedUnsigned = false;

  constructor(private readonly options: GapReporterOptions) {}

  /** A hello was accepted: refused gaps get another try. */
  open(): void {
    this.sending = true;
    this.refused.clear();
    // Gaps from before a restart (or refused last time) are in the table, not in the count.
    this.seen = -1;
    void this.flush();
  }

  /** The connection is gone, or the uplink stopped. */
  lost(): void {
    this.sending = false;
  }

  async flush(): Promise<void> {
    // At every flush tick: the gap table is read only when a gap closed since it was last read.
    if (!this.sending || this.busy || this.options.outbox.gapsClosed === this.seen) return;
    const key = this.options.deviceKey;
    if (!key) {
      if (!this.warnedUnsigned && this.options.outbox.closedGaps().length > 0) this.options.log.error({}, "readings were lost but the agent has no device key: the gap records cannot be sent");
      this.warnedUnsigned = true;
      return;
    }
    this.busy = true;
    const count = this.options.outbox.gapsClosed;
    let unanswered = false;
    try {
      for (const gap of this.options.outbox.closedGaps()) {
        if (!this.sending) return;
        if (this.refused.has(gap.id)) continue;
        const signed = signGap(gap, key);
        let reply: Reply<GapAck>;
        try {
          reply = await this.options.emit(signed);
        } catch {
          unanswered = true;
          return; // Not answered: the next tick (or hello) tries again.
        }
        if (reply.ok) {
          this.options.outbox.markGapsReported([gap.id]);
          this.options.log.info({ streamId: gap.streamId, firstSeq: gap.firstSeq, count: gap.count, lastSeq: gap.lastSeq }, "gap record delivered to the server");
          // A seq gap held its stream's batches back: they go now, not at the next tick.
          if (gap.lastSeq !== undefined) this.options.onSeqGapDelivered?.();
        } else {
          this.refused.add(gap.id);
          this.options.log.error({ error: reply.error, streamId: gap.streamId, firstSeq: gap.firstSeq }, "server refused a gap record; retrying after the next hello");
        }
      }
    } finally {
      this.busy = false;
      // Everything sent or refused (refused ones wait for the next hello): nothing to read until a gap closes.
      if (!unanswered && this.sending) this.seen = count;
    }
  }
}
