import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { type RunEvent, safeParseJson, RunEvent as RunEventSchema } from "@telecal/protocols";

/** Where a run's events are kept, so that a run survives a restart and resumes where it stopped. */
export interface RunJournal {
  events(): RunEvent[];
  append(event: RunEvent): void;
  /** The same run in the server's order: all of it written anew, before any event is appended. */
  replace(events: readonly RunEvent[]): void;
  /** Lets go of the file, if any; the journal takes no events after. */
  close?(): void;
}

export class MemoryJournal implements RunJournal {
  private readonly list: RunEvent[] = [];
  events(): RunEvent[] {
    return [...this.list];
  }
  append(event: RunEvent): void {
    this.list.push(event);
  }
  replace(events: readonly RunEvent[]): void {
    this.list.splice(0, this.list.length, ...events);
  }
}

/**
 * One JSON line per event, each on disk before `append` returns (a step done is never done twice
 * on the bench after a crash). A torn last line, from a crash mid-write, is dropped on load.
 */
export class FileJournal implements RunJournal {
  private readonly list: RunEvent[] = [];
  private fd: number;

  constructor(readonly file: string) {
    if (existsSync(file)) {
      const text = readFileSync(file, "utf8");
      const lines = text.split("\n");
      // Whatever follows the last newline was never completed: a crash mid-write.
      const torn = lines.pop() ?? "";
      for (const [i, line] of lines.entries()) {
        if (line.trim() === "") continue;
        const parsed = safeParseJson(RunEventSchema, line);
        if (!parsed.success) throw new Error(`${file}:${i + 1}: not a run event: ${parsed.issues}`);
        this.list.push(parsed.data);
      }
      // Cut it off, so that the next event starts on a line of its own.
      if (torn !== "") truncateSync(file, Buffer.byteLength(text) - Buffer.byteLength(torn));
    }
    this.fd = openSync(file, "a");
  }

  events(): RunEvent[] {
    return [...this.list];
  }

  append(event: RunEvent): void {
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
    fsyncSync(this.fd);
    this.list.push(event);
  }

  /** Written to a new file, synced, then renamed over the old one: a crash leaves one or the other whole. */
  replace(events: readonly RunEvent[]): void {
    const next = `${this.file}.new`;
    writeFileSync(next, events.map((e) => `${JSON.stringify(e)}\n`).join(""));
    const fd = openSync(next, "r+");
    fsyncSync(fd);
    closeSync(fd);
    closeSync(this.fd);
    renameSync(next, this.file);
    this.fd = openSync(this.file, "a");
    this.list.splice(0, this.list.length, ...events);
  }

  close(): void {
    closeSync(this.fd);
  }
}
