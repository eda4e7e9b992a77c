import type { RecordsPublicKey } from "@telecal/protocols";

/**
 * The exit codes of `telecal verify`, one per failure (docs/operations.md). When several checks
 * fail, the code of the first in this order: the log itself, --from, --witness.
 */
export const VERIFY_EXIT = {
  ok: 0,
  /** A record or a checkpoint of the log does not verify. */
  log: 1,
  /** No database, a file that cannot be read: nothing was checked. */
  input: 2,
  /** The saved checkpoint (--from) is not signed by a key of the log, or the log no longer bears it out. */
  from: 3,
  /** A checkpoint the witness countersigned is not borne out by the log: its history was rewritten. */
  witnessDiffers: 4,
  /** The witness cannot vouch: unreachable, a bad answer, a countersignature that fails, no checkpoint of this log. */
  witnessUnusable: 5,
} as const;

/** The log a check runs against: its database and the keys that may sign its checkpoints. */
export interface LogAt {
  databaseUrl: string;
  /** From --key or the data dir's key file; none: the keys registered in the database. */
  trustedKeys?: RecordsPublicKey[];
}

/** What one extra check found: lines for stdout and its exit code (0 when it holds). */
export interface CheckOutcome {
  lines: string[];
  exitCode: number;
}

export const iso = (t: number) => new Date(t).toISOString();
