/** Bytes in and out of one instrument, whatever the medium; reconnects on its own. */
export interface Transport {
  /** Human-readable target for messages: "tcp://127.0.0.1:5025", "/dev/ttyUSB0". */
  readonly target: string;
  readonly isUp: boolean;
  open(): void;
  write(data: string | Uint8Array): void;
  close(): Promise<void>;
  on(event: "data", listener: (chunk: Buffer) => void): void;
  on(event: "up", listener: () => void): void;
  on(event: "down", listener: (reason: string) => void): void;
}

/** Reconnect delays: doubling from `min` to `max`, with ±20 % jitter so that agents do not stampede. */
/** The reason a link gives when the agent itself closed it: no fault, so logged without a warning. */
export const CLOSED_BY_AGENT = "closed by agent";

export function backoffDelay(attempt: number, min = 250, max = 10_000): number {
  const base = Math.min(max, min * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
