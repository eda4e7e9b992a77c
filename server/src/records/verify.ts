import type { Checkpoint, RecordsPublicKey } from "@telecal/protocols";
import { type Kysely, PostgresAdapter } from "kysely";
import { openDatabase } from "../store/db";
import type { Schema } from "../store/schema";
import { CHECKPOINT_COLUMNS, checkpointSignatureValid, recordLeafHash, toCheckpoint } from "./checkpoints";
import { checkpointHistory, type ReportedRestore, restoreOf, type Uncovered, uncoveredProblem, withKeptCheckpoint } from "./verify-checkpoints";
import { SignedLeaves } from "./verify-leaves";
import { chainHash, GENESIS_HASH, sha256Hex } from "./hashing";
import { Frontier } from "./merkle";
import { PAYLOAD_INVALID } from "./payload";
import { recordsDb, type RecordsSchema, type RecordsTable } from "./schema";
import { type ReportedGap, type ReportedRegression, reportedGap, reportedRegression } from "./verify-losses";
import { type Carried, checkReadings, parseReadingBatchPayload, type RecordProblem, strayReadings } from "./verify-readings";
import { AgentKeyHistory } from "./verify-signatures";

export type { ReportedGap, ReportedRegression } from "./verify-losses";

export interface BadRecord {
  /** The record's id; for a missing record, the id that is not there. */
  id: number;
  /** Unknown (null) for a record that is missing. */
  stream: string | null;
  kind: string | null;
  /** When only a range is known (a root that does not match and no kept leaves to tell): its last id. */
  lastId?: number;
  seq: number | null;
  reason: string;
  /** The registry code, for a problem that has one (TC_ERR_RECORD_PAYLOAD_INVALID). */
  code?: RecordProblem["code"];
}

export interface BadCheckpoint {
  treeSize: number;
  time: number;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  streams: number;
  checkpoints: number;
  readings: number;
  firstBadRecord: BadRecord | null;
  firstBadCheckpoint: BadCheckpoint | null;
  /** Every gap record, in log order. */
  gaps: ReportedGap[];
  /** Reading-batch records without the agent's signature (older records of overlapping resends). */
  unsignedBatches: number;
  /** Records after the latest checkpoint (always reported; a failure past the interval and grace). */
  uncovered: Uncovered | null;
  /** Restores from backup accepted with `--accept-restored-log` (log-regression records). */
  restores: ReportedRestore[];
  /** Every stream-regression alarm (acknowledged readings the store lost), in log order. */
  regressions: ReportedRegression[];
}

export interface VerifyOptions {
  /**
   * Keys that may have signed checkpoints, from outside the database (the key file). Without them
   * the keys registered in the database are used, which a person who rewrote the database could
   * also have replaced.
   */
  trustedKeys?: readonly RecordsPublicKey[];
  pageSize?: number;
  /** The last checkpoint the server kept outside the database (records-checkpoint.json), if at hand. */
  keptCheckpoint?: Checkpoint;
  /** The server's checkpoint interval (default 60 s; 0: none) and the grace on top, for uncovered records. */
  checkpointIntervalMs?: number;
  graceMs?: number;
}

type Db = Kysely<Schema & RecordsSchema>;

/**
 * Recomputes every stream's hash chain, every checkpoint's root and signature, and checks every
 * reading row against the reading-batch record that carried it. Reads the log in id order, once.
 */
export async function verifyLog(store: Kysely<Schema>, options: VerifyOptions = {}): Promise<VerifyReport> {
  // One snapshot for the whole run, so that a server appending meanwhile is not taken for a forger.
  // SQLite: a read transaction in WAL mode is one; PostgreSQL: repeatable read.
  const postgres = store.getExecutor().adapter instanceof PostgresAdapter;
  return (postgres ? store.transaction().setIsolationLevel("repeatable read") : store.transaction()).execute((trx) =>
    verifySnapshot(trx as unknown as Db, options),
  );
}

async function verifySnapshot(db: Db, options: VerifyOptions): Promise<VerifyReport> {
  const keys = new Map<string, string>();
  if (options.trustedKeys) for (const k of options.trustedKeys) keys.set(k.keyId, k.spki);
  else for (const k of await db.selectFrom("record_keys").selectAll().execute()) keys.set(k.key_id, k.public_key);
  // Asked, not tried (a failed query ends PostgreSQL's snapshot): the v2 columns came with migration 0013.
  const columns = new Set((await db.introspection.getTables()).find((t) => t.name === "record_checkpoints")?.columns.map((c) => c.name));
  const v2 = columns.has("leaves");
  const stored = (await db.selectFrom("record_checkpoints").select(v2 ? CHECKPOINT_COLUMNS : V1_COLUMNS).orderBy("tree_size").execute()).map(toCheckpoint);
  const kept = withKeptCheckpoint(stored, options.keptCheckpoint);
  const checkpoints = kept.walk;
  const walk = new LogWalk(db, checkpoints, await AgentKeyHistory.load(db as unknown as Kysely<Schema>), v2);
  for (const cp of checkpoints) {
    const spki = keys.get(cp.keyId);
    if (spki === undefined) walk.badCheckpoint(cp, `signed with key ${cp.keyId}, which is not a trusted key`);
    else if (!checkpointSignatureValid(cp, spki)) walk.badCheckpoint(cp, "signature does not verify");
  }
  if (kept.problem) walk.badCheckpoint(kept.problem.checkpoint, kept.problem.reason);
  for (const p of checkpointHistory(stored)) walk.badCheckpoint(p.checkpoint, p.reason);
  const pageSize = options.pageSize ?? 2000;
  for (let next = 0; ; ) {
    const rows = await db.selectFrom("records").selectAll().where("id", ">", next).orderBy("id").limit(pageSize).execute();
    if (rows.length === 0) break;
    for (const r of rows) await walk.visit(r);
    next = rows.at(-1)!.id;
  }
  walk.end();
  const uncovered = walk.uncovered();
  const late = uncoveredProblem(uncovered, options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS, options.graceMs ?? DEFAULT_GRACE_MS);
  if (late && walk.firstUncovered) walk.badRecord({ ...named(walk.firstUncovered), reason: late });
  const strays = await strayReadings(db, walk.carried, walk.frontier.size);
  for (const p of strays.problems) walk.badRecord(p);
  return {
    ok: walk.firstBadRecord === null && walk.firstBadCheckpoint === null,
    records: walk.frontier.size,
    streams: walk.heads.size,
    checkpoints: stored.length,
    readings: strays.readings,
    firstBadRecord: walk.firstBadRecord,
    firstBadCheckpoint: walk.firstBadCheckpoint,
    gaps: walk.gaps,
    unsignedBatches: walk.signatures.unsigned,
    uncovered,
    restores: walk.restores,
    regressions: walk.regressions,
  };
}

/** One pass over the log in id order: chains, Merkle roots at each checkpoint, readings carried. */
class LogWalk {
  firstBadRecord: BadRecord | null = null;
  firstBadCheckpoint: BadCheckpoint | null = null;
  /** Per stream, its last record so far and the hash of the one before (to tell an insertion). */
  readonly heads = new Map<string, { id: number; seq: number; hash: string; before: string }>();
  readonly carried: Carried = new Map();
  readonly frontier = new Frontier();
  readonly gaps: ReportedGap[] = [];
  readonly restores: ReportedRestore[] = [];
  readonly regressions: ReportedRegression[] = [];
  /** The first record after the latest checkpoint, and the time of the last record. */
  firstUncovered: RecordsTable | null = null;
  private lastAt = 0;
  private cpIndex = 0;
  /** Records 1..goodSize gave the root of a checkpoint: a change is after it. */
  private goodSize = 0;
  /** Where a root that does not match says the change is, when nothing names the record. */
  private suspect: BadRecord | null = null;
  private readonly leaves: SignedLeaves;
  private readonly covered: number;

  constructor(
    private readonly db: Db,
    private readonly checkpoints: readonly Checkpoint[],
    readonly signatures: AgentKeyHistory,
    keptLeaves: boolean,
  ) {
    this.leaves = new SignedLeaves(recordsDb(db), checkpoints, keptLeaves);
    this.covered = checkpoints.at(-1)?.treeSize ?? 0;
  }

  badRecord(b: BadRecord): void {
    if (this.firstBadRecord === null || b.id < this.firstBadRecord.id) this.firstBadRecord = b;
  }

  uncovered(): Uncovered | null {
    const u = this.firstUncovered;
    return u ? { count: this.frontier.size - this.covered, firstId: u.id, firstAt: u.created_at, lastAt: this.lastAt } : null;
  }

  badCheckpoint(cp: Checkpoint, reason: string): void {
    this.firstBadCheckpoint ??= { treeSize: cp.treeSize, time: cp.time, reason };
  }

  async visit(r: RecordsTable): Promise<void> {
    const { frontier, heads } = this;
    if (r.id !== frontier.size + 1) {
      this.badRecord({ id: frontier.size + 1, stream: null, kind: null, seq: null, reason: `missing: the log goes from id ${frontier.size} to ${r.id}` });
    }
    const head = heads.get(r.stream);
    const hash = chainHash({ stream: r.stream, seq: r.seq, kind: r.kind, payloadHash: r.payload_hash, prevHash: r.prev_hash });
    // Counted even for a record that fails below, so that its readings are not taken for strays.
    // A batch's payload is parsed once, for its readings and for its signature.
    const batch = r.kind === "reading-batch" ? parseReadingBatchPayload(r) : null;
    const parsed = batch !== null && !("reason" in batch) ? batch : null;
    const readingsProblem = parsed ? await checkReadings(this.db, r, parsed, this.carried) : (batch as RecordProblem | null);
    const signatureProblem = parsed ? this.signatures.check(r, parsed) : null;
    const gapProblem =
      r.kind === "reading-gap" ? this.loss(reportedGap(r), this.gaps) : r.kind === "stream-regression" ? this.loss(reportedRegression(r), this.regressions) : r.kind === "log-regression" ? this.restore(r) : null;
    const problem: (RecordProblem & { id?: number; seq?: number }) | null = chainProblem(r, head, hash) ?? readingsProblem ?? gapProblem ?? signatureProblem;
    if (problem) this.badRecord({ id: problem.id ?? r.id, stream: r.stream, kind: problem.id === undefined ? r.kind : null, seq: problem.seq ?? r.seq, reason: problem.reason, ...(problem.code ? { code: problem.code } : {}) });
    heads.set(r.stream, { id: r.id, seq: r.seq, hash: r.hash, before: head?.hash ?? GENESIS_HASH });
    // Leaves from the recomputed hash: a log rewritten with a fresh chain gives other roots.
    const leaf = recordLeafHash({ ...r, hash });
    frontier.add(leaf);
    await this.leaves.visit(r, leaf);
    if (r.id === this.covered + 1) this.firstUncovered = r;
    this.lastAt = r.created_at;
    for (; this.cpIndex < this.checkpoints.length && this.checkpoints[this.cpIndex]!.treeSize <= frontier.size; this.cpIndex++) {
      const cp = this.checkpoints[this.cpIndex]!;
      for (const c of this.leaves.at(cp)) this.badRecord(c);
      if (cp.rootHash === frontier.root().toString("hex")) {
        this.goodSize = cp.treeSize;
      } else {
        this.badCheckpoint(cp, `root does not match records 1..${cp.treeSize}`);
        this.suspect ??= await this.range(this.goodSize + 1, cp);
      }
    }
  }

  /** A change somewhere in ids from..cp.treeSize, named by its first record. */
  private async range(from: number, cp: Checkpoint): Promise<BadRecord> {
    const first = await this.db.selectFrom("records").selectAll().where("id", "=", from).executeTakeFirst();
    const matched = from > 1 ? `records 1..${from - 1} still give checkpoint ${from - 1}'s root` : "no earlier checkpoint";
    const reason = `one of records ${from}..${cp.treeSize} was changed, swapped or rewritten with its chain recomputed: they do not give checkpoint ${cp.treeSize}'s root (${matched}), and no kept leaves tell which`;
    return { id: from, lastId: cp.treeSize, stream: first?.stream ?? null, kind: first?.kind ?? null, seq: first?.seq ?? null, reason };
  }

  private restore(r: RecordsTable): RecordProblem | null {
    const found = restoreOf(r);
    if (!("logSize" in found)) return found;
    this.restores.push(found);
    return null;
  }

  private loss<T extends object>(found: T | RecordProblem, into: T[]): RecordProblem | null {
    if ("code" in found && found.code === PAYLOAD_INVALID) return found;
    into.push(found as T);
    return null;
  }

  /** Checkpoints that cover more records than the log holds; a range that nothing better named. */
  end(): void {
    const size = this.frontier.size;
    const s = this.suspect;
    if (s && (this.firstBadRecord === null || this.firstBadRecord.id > s.lastId!)) this.firstBadRecord = s;
    for (const cp of this.checkpoints) {
      if (cp.treeSize > size) {
        this.badCheckpoint(cp, `covers ${cp.treeSize} records, the log holds ${size}`);
        const reason = `missing: checkpoint of size ${cp.treeSize} covers it, the log ends at ${size}`;
        this.badRecord({ id: size + 1, stream: null, kind: null, seq: null, reason });
      }
    }
  }
}

const V1_COLUMNS = ["tree_size", "root_hash", "created_at", "key_id", "signature"] as const;
const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;
const DEFAULT_GRACE_MS = 60_000;

const named = (r: RecordsTable) => ({ id: r.id, stream: r.stream, kind: r.kind, seq: r.seq });

/** What is wrong with a record's place in its stream's chain; `id`/`seq` when it names another record. */
function chainProblem(
  r: RecordsTable,
  head: { id: number; seq: number; hash: string; before: string } | undefined,
  hash: string,
): (RecordProblem & { id?: number; seq?: number }) | null {
  const expectedSeq = head ? head.seq + 1 : 0;
  if (sha256Hex(r.payload) !== r.payload_hash) return { reason: "payload does not match its hash" };
  if (r.seq !== expectedSeq) return { reason: `out of place: seq ${expectedSeq} of its stream was expected here` };
  if (r.prev_hash !== (head ? head.hash : GENESIS_HASH)) {
    // It chains to the record before the stream's last one: that last one was slipped in.
    if (head && r.prev_hash === head.before) return { id: head.id, seq: head.seq, reason: `inserted: the stream's next record (id ${r.id}) chains past it` };
    return { reason: "prev hash is not the hash of the stream's previous record" };
  }
  if (r.hash !== hash) return { reason: "hash does not match its fields" };
  return null;
}

/** Opens `postgres://...` or `sqlite:FILE` without migrating it, verifies it and closes it. */
export async function verifyDatabase(url: string, options: VerifyOptions = {}): Promise<VerifyReport & { where: string }> {
  const { db, where } = openDatabase(url);
  try {
    return { ...(await verifyLog(db, options)), where };
  } finally {
    await db.destroy();
  }
}
