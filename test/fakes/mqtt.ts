import type { InstrumentEvents, RuntimeReading } from "@telecal/agent/instruments/runtime";
import type { Logger } from "@telecal/agent/log";

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  obj: Record<string, unknown>;
  msg: string;
}

/** A logger that keeps what it is told, so that a test can check that a problem was logged by name. */
export function captureLogger(): Logger & { entries: LogEntry[]; warnings(): LogEntry[] } {
  const entries: LogEntry[] = [];
  const make = (bindings: Record<string, unknown>): Logger & { entries: LogEntry[]; warnings(): LogEntry[] } => {
    const at = (level: LogEntry["level"]) => (obj: object, msg?: string) =>
      entries.push({ level, obj: { ...bindings, ...(obj as Record<string, unknown>) }, msg: msg ?? "" });
    return {
      entries,
      warnings: () => entries.filter((e) => e.level === "warn" || e.level === "error"),
      debug: at("debug"),
      info: at("info"),
      warn: at("warn"),
      error: at("error"),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return make({});
}

export interface RecordedReading extends RuntimeReading {
  streamId: string;
  unit: string;
}

/** InstrumentEvents that record readings and `changed` calls. */
export function recordEvents(): InstrumentEvents & { readings: RecordedReading[]; changes: number; of(streamId: string): RecordedReading[] } {
  const readings: RecordedReading[] = [];
  const events = {
    readings,
    changes: 0,
    of: (streamId: string) => readings.filter((r) => r.streamId === streamId),
    reading(streamId: string, unit: string, reading: RuntimeReading) {
      readings.push({ streamId, unit, ...reading });
    },
    changed() {
      events.changes++;
    },
    now: () => Date.now(),
  };
  return events;
}

/** Waits until `check` returns a value that is not undefined, or fails naming what it waited for. */
export async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
