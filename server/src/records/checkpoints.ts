import { sign, verify } from "node:crypto";
import { type Checkpoint, type InclusionProofResponse, TelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { DialectName } from "../store/db";
import { type SigningKey, publicKeyFromSpki } from "./keys";
import { lockLog } from "./log";
import { readLeaves, recordLeafHash } from "./leaves";
import { auditPath, Frontier } from "./merkle";
import type { RecordCheckpointsTable, RecordsSchema } from "./schema";

/** The signed text of a checkpoint: one field a line, after a versioned origin line. */
export function checkpointText(cp: Omit<Checkpoint, "signature">): string {
  return `telecal record log checkpoint v1\n${cp.treeSize}\n${cp.rootHash}\n${cp.time}\n${cp.keyId}\n`;
}

export function signCheckpoint(cp: Omit<Checkpoint, "signature">, key: SigningKey): Checkpoint {
  const signature = sign(null, Buffer.from(checkpointText(cp), "utf8"), key.privateKey).toString("base64");
  return { ...cp, signature };
}

/** True when `cp` is signed by the key whose SPKI (base64) is given. */
export function checkpointSignatureValid(cp: Checkpoint, spki: string): boolean {
  try {
    return verify(null, Buffer.from(checkpointText(cp), "utf8"), publicKeyFromSpki(spki), Buffer.from(cp.signature, "base64"));
  } catch {
    return false;
  }
}

export function toCheckpoint(r: RecordCheckpointsTable): Checkpoint {
  return { treeSize: r.tree_size, rootHash: r.root_hash, time: r.created_at, keyId: r.key_id, signature: r.signature };
}

export { recordLeafHash } from "./leaves";

const PAGE = 5000;

/**
 * Makes signed checkpoints of the log: at a fixed interval when there are new records, and on
 * demand. Keeps the tree's frontier in memory, so a checkpoint reads only the records added since.
 */
export class Checkpointer {
  private readonly frontier = new Frontier();
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
    const latest = await this.latest();
    if (size === 0 || (latest && latest.treeSize >= size)) return null;
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
        this.frontier.add(recordLeafHash(r));
      }
    }
    const cp = signCheckpoint(
      { treeSize: size, rootHash: this.frontier.root().toString("hex"), time: now, keyId: this.key.publicKey.keyId },
      this.key,
    );
    await this.db
      .insertInto("record_checkpoints")
      .values({ tree_size: cp.treeSize, root_hash: cp.rootHash, created_at: cp.time, key_id: cp.keyId, signature: cp.signature })
      .onConflict((oc) => oc.column("tree_size").doNothing())
      .execute();
    return cp;
  }

  async latest(): Promise<Checkpoint | undefined> {
    const row = await this.db.selectFrom("record_checkpoints").selectAll().orderBy("tree_size", "desc").limit(1).executeTakeFirst();
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
