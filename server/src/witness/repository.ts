import { randomUUID } from "node:crypto";
import { canonicalJson, Checkpoint, type WitnessAlarm, type WitnessedCheckpoint } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { WitnessAlarmsTable, WitnessedCheckpointsTable, WitnessSchema } from "./schema";

function toWitnessed(r: WitnessedCheckpointsTable): WitnessedCheckpoint {
  return {
    checkpoint: { treeSize: r.tree_size, rootHash: r.root_hash, time: r.checkpoint_time, keyId: r.log_key_id, signature: r.log_signature },
    witnessedAt: r.witnessed_at,
    witnessKeyId: r.witness_key_id,
    cosignature: r.cosignature,
  };
}

function toAlarm(r: WitnessAlarmsTable): WitnessAlarm {
  return {
    id: r.id,
    logUrl: r.log_url,
    raisedAt: r.raised_at,
    reason: r.reason,
    previous: r.previous === null ? null : Checkpoint.parse(JSON.parse(r.previous)),
    offered: Checkpoint.parse(JSON.parse(r.offered)),
  };
}

/** What a witness keeps: countersigned checkpoints per log and the alarms it raised. */
export class WitnessRepository {
  constructor(private readonly db: Kysely<WitnessSchema>) {}

  /** The countersigned checkpoint of largest tree size fetched from `logUrl`. */
  async last(logUrl: string): Promise<WitnessedCheckpoint | undefined> {
    const row = await this.db.selectFrom("witnessed_checkpoints").selectAll().where("log_url", "=", logUrl).orderBy("tree_size", "desc").limit(1).executeTakeFirst();
    return row && toWitnessed(row);
  }

  async keep(logUrl: string, w: WitnessedCheckpoint): Promise<void> {
    const cp = w.checkpoint;
    await this.db
      .insertInto("witnessed_checkpoints")
      .values({ log_url: logUrl, tree_size: cp.treeSize, root_hash: cp.rootHash, checkpoint_time: cp.time, log_key_id: cp.keyId, log_signature: cp.signature, witnessed_at: w.witnessedAt, witness_key_id: w.witnessKeyId, cosignature: w.cosignature })
      .onConflict((oc) => oc.columns(["log_url", "tree_size"]).doNothing())
      .execute();
  }

  /** Keeps the evidence once: the same offered checkpoint after the same previous one is one alarm. True when new. */
  async alarm(logUrl: string, reason: string, previous: Checkpoint | null, offered: Checkpoint, now: number): Promise<boolean> {
    const known = await this.db
      .selectFrom("witness_alarms")
      .select("id")
      .where("log_url", "=", logUrl)
      .where("offered", "=", canonicalJson(offered))
      .where((eb) => (previous === null ? eb("previous", "is", null) : eb("previous", "=", canonicalJson(previous))))
      .executeTakeFirst();
    if (known) return false;
    await this.db
      .insertInto("witness_alarms")
      .values({ id: randomUUID(), log_url: logUrl, log_key_id: previous?.keyId ?? offered.keyId, raised_at: now, reason, previous: previous === null ? null : canonicalJson(previous), offered: canonicalJson(offered), offered_key_id: offered.keyId })
      .execute();
    return true;
  }

  /** Countersigned checkpoints signed by key `logKeyId` above tree size `after`, smallest first, at most `limit`. */
  async checkpointsOf(logKeyId: string, after = 0, limit = 1000): Promise<WitnessedCheckpoint[]> {
    const rows = await this.db
      .selectFrom("witnessed_checkpoints")
      .selectAll()
      .where("log_key_id", "=", logKeyId)
      .where("tree_size", ">", after)
      .orderBy("tree_size")
      .orderBy("witnessed_at")
      .limit(limit)
      .execute();
    return rows.map(toWitnessed);
  }

  /** The newest alarms about the log of key `logKeyId` (its last countersigned checkpoint's key, or the offered one's), oldest first. */
  async alarmsOf(logKeyId: string, newest: number): Promise<WitnessAlarm[]> {
    const rows = await this.db
      .selectFrom("witness_alarms")
      .selectAll()
      .where((eb) => eb.or([eb("log_key_id", "=", logKeyId), eb("offered_key_id", "=", logKeyId)]))
      .orderBy("raised_at", "desc")
      .orderBy("id", "desc")
      .limit(newest)
      .execute();
    return rows.reverse().map(toAlarm);
  }
}
