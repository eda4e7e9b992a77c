import type { ClockStamp } from "@telecal/protocols";
import type { Logger } from "../log";

export interface OutboxReading {
  /** Server-UTC milliseconds. */
  t: number;
  value: number | null;
  flags: number;
  /** The agent's clock offset to the server, and its uncertainty, when the reading was taken. */
  clock?: ClockStamp;
}

export interface OutboxOptions {
  /** The SQLite file, created with its folder if missing; ":memory:" keeps nothing across restarts. */
  file: string;
  log: Logger;
  /**
   * Most readings held, all streams together, acknowledged ones kept for retention included; when
   * full, the oldest acknowledged go first, and only then new readings become a gap record.
   */
  capacity?: number;
  /** How long acknowledged readings are kept after their ack (default a week); 0 deletes them at the ack. */
  retentionMs?: number;
  /** Clock of the retention window (tests move it); Date.now by default. */
  now?: () => number;
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

