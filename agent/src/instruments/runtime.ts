import type { InstrumentDescriptor } from "@telecal/protocols";

export interface RuntimeReading {
  /** Server-UTC milliseconds. */
  t: number;
  value: number | null;
  flags: number;
}

export interface InstrumentEvents {
  /** A reading of one of the instrument's streams. */
  reading(streamId: string, unit: string, reading: RuntimeReading): void;
  /** The descriptor changed (identity learnt, streams discovered): announce it again. */
  changed(): void;
  /** Server-UTC now, as the agent knows it. */
  now(): number;
}

/**
 * One instrument as the agent runs it, whatever its dialect: polled over a request/response link
 * (SCPI, MT-SICS, line readouts) or pushing by itself (MQTT sensors). The agent knows only this.
 */
export interface InstrumentRuntime {
  readonly id: string;
  describe(): InstrumentDescriptor;
  start(events: InstrumentEvents): void;
  stop(): Promise<void>;
}
