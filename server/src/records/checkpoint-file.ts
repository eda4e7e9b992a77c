import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { Checkpoint, TelecalError } from "@telecal/protocols";
import { z } from "zod";

/**
 * The latest checkpoint this server signed, kept beside its key, outside the database: a log cut or
 * rolled back in the database cannot take it along, so the next start sees the log is older.
 */
export const CHECKPOINT_FILE = "records-checkpoint.json";

const CheckpointFile = z.strictObject({ version: z.literal(1), checkpoint: Checkpoint });

/** The checkpoint file beside a key file. */
export function checkpointFileFor(keyPath: string): string {
  return join(dirname(keyPath), CHECKPOINT_FILE);
}

/** The checkpoint in `path`, undefined when there is no file (a new server, or one from before it). */
export function readCheckpointFile(path: string): Checkpoint | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw fileError(path, err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw fileError(path, err);
  }
  const parsed = CheckpointFile.safeParse(json);
  if (!parsed.success) throw fileError(path, new Error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")));
  return parsed.data.checkpoint;
}

/** Replaces the file at once (written aside, flushed, renamed): a crash leaves the old one or the new one. */
export function writeCheckpointFile(path: string, checkpoint: Checkpoint): void {
  const aside = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(aside, "w", 0o644);
    try {
      writeSync(fd, `${JSON.stringify({ version: 1, checkpoint }, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(aside, path);
    // The rename itself reaches the disk with the directory.
    const dir = openSync(dirname(path), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch (err) {
    throw fileError(path, err);
  }
}

function fileError(path: string, err: unknown): TelecalError {
  return new TelecalError("TC_ERR_CHECKPOINT_FILE", { path, reason: err instanceof Error ? err.message : String(err) }, { cause: err });
}
