import { type Checkpoint, LogRegressionPayload } from "@telecal/protocols";
import { checkpointDigest, FIRST_CHECKPOINT_PREV } from "./checkpoint-text";
import { PAYLOAD_INVALID, safeRecordPayload } from "./payload";
import type { RecordsTable } from "./schema";
import type { RecordProblem } from "./verify-readings";

/** A checkpoint the history says is wrong. */
export interface HistoryProblem {
  checkpoint: Checkpoint;
  reason: string;
}

/**
 * The kept checkpoints, in tree-size order, as a history: each version 2 checkpoint must have the
 * seq of its place and chain to the one before, so that a deleted checkpoint (in the middle, or
 * before the first v2 one) and a tree that shrank or forked (a checkpoint signed later over fewer
 * records, or one replaced) are named. Version 1 checkpoints have neither; among them only times
 * that go back with a growing tree are caught.
 */
export function checkpointHistory(checkpoints: readonly Checkpoint[]): HistoryProblem[] {
  const problems = shrinks(checkpoints);
  let lastV2: Checkpoint | undefined;
  checkpoints.forEach((cp, i) => {
    const before = checkpoints[i - 1];
    const place = i + 1;
    if (cp.seq === undefined) {
      if (lastV2) problems.push({ checkpoint: cp, reason: `a version 1 checkpoint after version 2 ones (seq ${lastV2.seq}, tree size ${lastV2.treeSize})` });
      else if (before && cp.time < before.time) problems.push({ checkpoint: cp, reason: `signed at ${iso(cp.time)}, before the checkpoint of the smaller tree size ${before.treeSize} (${iso(before.time)}): the tree shrank` });
      return;
    }
    if (lastV2 && cp.seq <= lastV2.seq!) {
      problems.push({ checkpoint: cp, reason: `seq ${cp.seq} was signed before seq ${lastV2.seq} (tree size ${lastV2.treeSize}) yet covers more records: the tree shrank or forked after it` });
    } else if (cp.seq > place) {
      const missing = cp.seq - place === 1 ? `seq ${place} is missing` : `seqs ${place}..${cp.seq - 1} are missing`;
      problems.push({ checkpoint: cp, reason: `checkpoint ${missing} from the kept history: seq ${cp.seq} follows ${before ? `the checkpoint of tree size ${before.treeSize}` : "no checkpoint"}` });
    } else if (cp.seq < place) {
      problems.push({ checkpoint: cp, reason: `seq ${cp.seq} at place ${place} of the kept history: a checkpoint was added or the tree forked` });
    } else if (cp.prevHash !== (before ? checkpointDigest(before) : FIRST_CHECKPOINT_PREV)) {
      problems.push({ checkpoint: cp, reason: `does not chain to the checkpoint before it (tree size ${before?.treeSize ?? "none"}): that one was replaced, or the log forked` });
    }
    lastV2 = cp;
  });
  return problems;
}

/**
 * The checkpoint kept outside the database (beside the key): the database must still hold it.
 * Returns the list to walk (with it, when the database lost it, so its root is checked too) and
 * what is wrong.
 */
export function withKeptCheckpoint(checkpoints: readonly Checkpoint[], kept: Checkpoint | undefined): { walk: Checkpoint[]; problem: HistoryProblem | null } {
  if (!kept) return { walk: [...checkpoints], problem: null };
  const same = checkpoints.find((c) => c.treeSize === kept.treeSize);
  if (same && same.rootHash === kept.rootHash) return { walk: [...checkpoints], problem: null };
  const reason = same
    ? `the checkpoint kept beside the key has another root than the database's of this size: the log forked`
    : `the checkpoint kept beside the key (${kept.seq === undefined ? "" : `seq ${kept.seq}, `}signed ${iso(kept.time)}) is not in the database: checkpoints were deleted, or the log was cut or restored`;
  const walk = same ? [...checkpoints] : [...checkpoints, kept].sort((a, b) => a.treeSize - b.treeSize);
  return { walk, problem: { checkpoint: kept, reason } };
}

/** In signing order (seq), each v2 checkpoint must cover more records than the one before. */
function shrinks(checkpoints: readonly Checkpoint[]): HistoryProblem[] {
  const bySeq = checkpoints.filter((c) => c.seq !== undefined).sort((a, b) => a.seq! - b.seq! || a.time - b.time);
  const problems: HistoryProblem[] = [];
  for (let i = 1; i < bySeq.length; i++) {
    const [before, cp] = [bySeq[i - 1]!, bySeq[i]!];
    if (cp.treeSize <= before.treeSize) {
      problems.push({ checkpoint: cp, reason: `the tree shrank: seq ${cp.seq}, signed after seq ${before.seq} (tree size ${before.treeSize}), covers ${cp.treeSize} records` });
    }
  }
  return problems;
}

/** Records after the latest checkpoint: how many, and when the first and the last were appended. */
export interface Uncovered {
  count: number;
  firstId: number;
  firstAt: number;
  lastAt: number;
}

/**
 * Whether the uncovered records are more than normal operation leaves: a running server signs a
 * checkpoint at least every interval while there are new records, and one when it starts and when
 * it stops, so records appended over longer than interval + grace without one mean checkpoints were
 * deleted (or the server could not sign them). Records appended within that window, as a SIGKILL
 * leaves them, are only reported. An interval of 0 (no interval checkpoints) disables the rule.
 */
export function uncoveredProblem(u: Uncovered | null, intervalMs: number, graceMs: number): string | null {
  if (!u || intervalMs <= 0) return null;
  const span = u.lastAt - u.firstAt;
  if (span <= intervalMs + graceMs) return null;
  return `no checkpoint covers it or the ${u.count - 1} records after it, appended over ${seconds(span)} (the server signs one at least every ${seconds(intervalMs)}, grace ${seconds(graceMs)}): checkpoints were deleted`;
}

/** A restore from backup the server accepted (a log-regression record): reported, not a failure. */
export interface ReportedRestore {
  recordId: number;
  acceptedAt: number;
  /** What the last checkpoint before the restore covered. */
  lastTreeSize: number;
  logSize: number;
  reason: string;
}

export function restoreOf(r: RecordsTable): ReportedRestore | RecordProblem {
  const parsed = safeRecordPayload(LogRegressionPayload, r);
  if ("reason" in parsed) return { reason: parsed.reason, code: PAYLOAD_INVALID };
  const p = parsed.payload;
  return { recordId: r.id, acceptedAt: p.acceptedAt, lastTreeSize: p.lastCheckpoint.treeSize, logSize: p.logSize, reason: p.reason };
}

const iso = (t: number) => new Date(t).toISOString();
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
