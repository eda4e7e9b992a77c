export interface BufferedReading {
  t: number;
  value: number | null;
  flags: number;
}

/**
 * Readings of one stream waiting for the server's ack, each with its gap-free seq. Held in memory
 * for now: the durable SQLite outbox replaces this (issue 4). When `cap` is reached the oldest are
 * dropped and counted in `dropped`, never silently.
 */
export class StreamBuffer {
  private readings: BufferedReading[] = [];
  /** Seq of readings[0]. */
  private firstSeq = 0;
  /** False until the server has acknowledged anything of this stream in this process's life. */
  private synced = false;
  dropped = 0;

  constructor(
    readonly instrumentId: string,
    readonly streamId: string,
    readonly unit: string,
    private readonly cap = 200_000,
  ) {}

  get nextSeq(): number {
    return this.firstSeq + this.readings.length;
  }

  get size(): number {
    return this.readings.length;
  }

  push(reading: BufferedReading): void {
    this.readings.push(reading);
    if (this.readings.length > this.cap) {
      const excess = this.readings.length - this.cap;
      this.readings.splice(0, excess);
      this.firstSeq += excess;
      this.dropped += excess;
    }
  }

  /** Up to `max` readings from the oldest unacked one. */
  peek(max: number): { firstSeq: number; readings: BufferedReading[] } {
    return { firstSeq: this.firstSeq, readings: this.readings.slice(0, max) };
  }

  /** Forgets every reading up to and including `seq`. */
  ack(seq: number): void {
    this.synced = true;
    const count = Math.min(this.readings.length, seq + 1 - this.firstSeq);
    if (count <= 0) return;
    this.readings.splice(0, count);
    this.firstSeq += count;
  }

  /**
   * Applies the seq the server holds, from its hello answer. A buffer that was never acknowledged
   * (a restarted agent) numbers its readings on from the server's seq; one that was drops what the
   * server already has.
   */
  resumeAfter(serverSeq: number): void {
    if (!this.synced) {
      this.firstSeq = serverSeq + 1;
      this.synced = true;
    } else this.ack(serverSeq);
  }
}
