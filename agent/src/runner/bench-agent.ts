import type { InstrumentRuntime, RuntimeReading } from "../instruments/runtime";
import type { Uplink } from "../uplink/uplink";

export type ReadingListener = (instrumentId: string, streamId: string, unit: string, reading: RuntimeReading) => void;

/**
 * What a job's runner needs of the agent that hosts it: its id, its instruments, its uplink and its
 * readings. A narrow view, so that runner/ does not import the Agent class that builds it.
 */
export interface BenchAgent {
  readonly id: string;
  readonly instruments: InstrumentRuntime[];
  readonly uplink: Uplink;
  onReading(listener: ReadingListener): () => void;
}
