import { type Checkpoint, type InclusionProofResponse, TelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { DialectName } from "../store/db";
import { checkpointDigest, FIRST_CHECKPOINT_PREV, signCheckpoint, toCheckpoint } from "./checkpoint-text";
import type { SigningKey } from "./keys";
import { readLeaves, recordLeafHash } from "./leaves";
import { lockLog } from "./log";
import { auditPath, Frontier } from "./merkle";
import type { RecordsSchema } from "./schema";

export { checkpointDigest, checkpointSignatureValid, checkpointText, signCheckpoint, toCheckpoint } from "./checkpoint-text";

export { recordLeafHash } from "./leaves";

const PAGE = 5000;

/** A checkpoint's columns without the leaves it keeps (tens of kB), which only verify reads. */
export const CHECKPOINT_COLUMNS = ["tree_size", "root_hash", "created_at", "key_id", "signature", "seq", "prev_hash"] as const;

/**
 * Makes signed checkpoints of the log: at a fixed interval when there are new records, and on
 * demand. Keeps the tree's frontier in memory, so a checkpoint reads only the records added since.
 */
export class Checkpointer {
  private readonly frontier = new Frontier();
  /** Leaf hashes of records pendingFrom+1 .. frontier.size, for the next checkpoint's row. */
  private readonly pending: Buffer[] = [];
  private pendingFrom = 0;
  /** Called after each checkpoint this process signs (the server keeps the latest outside the database). */
  onSigned: ((cp: Checkpoint) => void | Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Kysely<RecordsSchema>,
    private readonly dialect: DialectName,
    readonly key: SigningKey,
  ) {}

  /** Registers the public key, so that `telecal verify` finds it; starts the interval if given. */
  async start(intervalMs?: number, onError?: (err: unknown) => void): Promise<void> {
    await this.db
      .insertInto("record_keys")
      .values({ key_id: this.key.publicKey.keyId, public_key: this.key.publicKey.spki, created_at: Date.now() })
      .onConflict((oc) => oc.column("key_id").doNothing())
      .execute();
    if (intervalMs !== undefined && intervalMs > 0) {
      this.timer = setInterval(() => void this.checkpoint().catch((err: unknown) => onError?.(err)), intervalMs);
      this.timer.unref();
    }
  }

  /** Stops the interval and waits for a checkpoint under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running.catch(() => undefined);
  }

  /** Signs a checkpoint over every record committed now; null when there is nothing new. */
  checkpoint(now = Date.now()): Promise<Checkpoint | null> {
    const run = this.running.catch(() => undefined).then(() => this.checkpointNow(now));
    this.running = run;
    return run;
  }

  private async checkpointNow(now: number): Promise<Checkpoint | null> {
    // Under the log's lock every id up to the highest is committed: ids are given under that lock.
    const size = await this.db.transaction().execute(async (trx) => {
      await lockLog(trx, this.dialect);
      const last = await trx.selectFrom("records").select("id").orderBy("id", "desc").limit(1).executeTakeFirst();
      return last?.id ?? 0;
    });
    const before = await this.latest();
    if (size === 0 || (before && before.treeSize >= size)) return null;
    await this.advanceTo(size, before?.treeSize ?? 0);
    const rootHash = this.frontier.root().toString("hex");
    // Seq and prev hash under the lock: another process of a cluster may sign at the same time.
    const cp = await this.db.transaction().execute(async (trx) => {
      await lockLog(trx, this.dialect);
      const latest = await trx.selectFrom("record_checkpoints").select(CHECKPOINT_COLUMNS).orderBy("tree_size", "desc").limit(1).executeTakeFirst();
      const prev = latest && toCheckpoint(latest);
      if (prev && prev.treeSize >= size) return null;
      // After version 1 checkpoints, the first v2 one counts them: its seq says how many came before.
      const prevSeq = prev === undefined ? 0 : (prev.seq ?? Number((await trx.selectFrom("record_checkpoints").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n));
      const signed = signCheckpoint(
        { treeSize: size, rootHash, time: now, keyId: this.key.publicKey.keyId, seq: prevSeq + 1, prevHash: prev ? checkpointDigest(prev) : FIRST_CHECKPOINT_PREV },
        this.key,
      );
      // The leaves after the latest checkpoint; none when the log went back under this process.
      const from = prev?.treeSize ?? 0;
      const leaves = from >= this.pendingFrom ? Buffer.concat(this.pending.slice(from - this.pendingFrom)).toString("base64") : null;
      await trx
        .insertInto("record_checkpoints")
        .values({ tree_size: size, root_hash: rootHash, created_at: now, key_id: signed.keyId, signature: signed.signature, seq: signed.seq!, prev_hash: signed.prevHash!, leaves })
        .execute();
      return signed;
    });
    this.dropPending(cp?.treeSize ?? (await this.latest())?.treeSize ?? 0);
    if (cp) await this.onSigned?.(cp);
    return cp;
  }

  /**
   * Adds the leaves of records up to `size` to the frontier; keeps those after `keepAfter` (the
   * latest checkpoint) for the next checkpoint's row.
   */
  private async advanceTo(size: number, keepAfter: number): Promise<void> {
    if (this.frontier.size < keepAfter) this.dropPending(keepAfter);
    while (this.frontier.size < size) {
      const rows = await this.db
        .selectFrom("records")
        .select(["id", "hash", "created_at", "actor"])
        .where("id", ">", this.frontier.size)
        .where("id", "<=", size)
        .orderBy("id")
        .limit(PAGE)
        .execute();
      for (const r of rows) {
        if (r.id !== this.frontier.size + 1) throw new Error(`record log: id ${this.frontier.size + 1} is missing`);
        const leaf = recordLeafHash(r);
        this.frontier.add(leaf);
        if (r.id > this.pendingFrom) this.pending.push(leaf);
      }
    }
  }

  /** Forgets the kept leaves up to `size`: a checkpoint (ours or another process's) holds them. */
  private dropPending(size: number): void {
    if (size <= this.pendingFrom) return;
    this.pending.splice(0, Math.min(this.pending.length, size - this.pendingFrom));
    this.pendingFrom = size;
  }

  /** The root of records 1..size as this process computes them (at start, against the checkpoint file). */
  async rootAt(size: number): Promise<string> {
    if (this.frontier.size > size) throw new RangeError(`the frontier is past ${size}`);
    const latest = await this.latest();
    await this.advanceTo(size, latest?.treeSize ?? 0);
    return this.frontier.root().toString("hex");
  }

  async latest(): Promise<Checkpoint | undefined> {
    const row = await this.db.selectFrom("record_checkpoints").select(CHECKPOINT_COLUMNS).orderBy("tree_size", "desc").limit(1).executeTakeFirst();
    return row && toCheckpoint(row);
  }

  /** The audit path of record `id` against the latest checkpoint. Reads the leaves it covers. */
  async proof(id: number): Promise<InclusionProofResponse> {
    const checkpoint = await this.latest();
    if (!checkpoint) throw new TelecalError("TC_ERR_NO_CHECKPOINT");
    const record = await this.db.selectFrom("records").select("hash").where("id", "=", id).executeTakeFirst();
    if (!record) throw new TelecalError("TC_ERR_RECORD_NOT_FOUND", { id });
    if (id > checkpoint.treeSize) throw new TelecalError("TC_ERR_RECORD_NOT_CHECKPOINTED", { id, size: checkpoint.treeSize });
    const leaves = await readLeaves(this.db, checkpoint.treeSize);
    return {
      recordId: id,
      recordHash: record.hash,
      leafIndex: id - 1,
      leafHash: leaves[id - 1]!.toString("hex"),
      auditPath: auditPath(id - 1, leaves).map((h) => h.toString("hex")),
      checkpoint,
    };
  }
}
