import { canonicalJson } from "@telecal/protocols";
import { chainHash, Frontier, recordLeafHash, sha256Hex, signCheckpoint, type SigningKey } from "@telecal/server";
import type { Kysely } from "kysely";

/** The tables a forger rewrites, as Kysely sees them (loosely: this is a fake, not the store). */
interface Tables {
  records: { id: number; kind: string; stream: string; seq: number; payload: string; payload_hash: string; prev_hash: string; hash: string; created_at: number; actor: string };
  record_checkpoints: { tree_size: number; root_hash: string; created_at: number; key_id: string; signature: string };
  readings: { agent_id: string; stream_id: string; seq: number; value: number | null };
}

/**
 * A forger who holds the lab server's key and can write its database: changes one reading and the
 * reading-batch record that carried it, recomputes the stream's hash chain from there and re-signs
 * every checkpoint (same sizes and times) with the lab's key. `telecal verify` on the log alone
 * then finds nothing (for a batch the agent did not sign).
 */
export async function rewriteReading(db: object, key: SigningKey, at: { agentId: string; streamId: string; seq: number; value: number }): Promise<void> {
  const t = db as unknown as Kysely<Tables>;
  await t.transaction().execute(async (trx) => {
    await trx.updateTable("readings").set({ value: at.value }).where("agent_id", "=", at.agentId).where("stream_id", "=", at.streamId).where("seq", "=", at.seq).execute();
    const stream = `${at.agentId}/${at.streamId}`;
    const records = await trx.selectFrom("records").selectAll().where("stream", "=", stream).orderBy("seq").execute();
    const target = records.find((r) => {
      const p = JSON.parse(r.payload) as { firstSeq: number; values: unknown[] };
      return r.kind === "reading-batch" && p.firstSeq <= at.seq && at.seq < p.firstSeq + p.values.length;
    });
    if (!target) throw new Error(`no record carries ${stream} seq ${at.seq}`);
    const payload = JSON.parse(target.payload) as { firstSeq: number; values: (number | null)[] };
    payload.values[at.seq - payload.firstSeq] = at.value;
    target.payload = canonicalJson(payload);
    target.payload_hash = sha256Hex(target.payload);
    let prev: string | undefined;
    for (const r of records) {
      if (r.seq >= target.seq) {
        r.prev_hash = prev ?? r.prev_hash;
        r.hash = chainHash({ stream: r.stream, seq: r.seq, kind: r.kind, payloadHash: r.payload_hash, prevHash: r.prev_hash });
        await trx.updateTable("records").set({ payload: r.payload, payload_hash: r.payload_hash, prev_hash: r.prev_hash, hash: r.hash }).where("id", "=", r.id).execute();
      }
      prev = r.hash;
    }
    await resignCheckpoints(trx, key);
  });
}

/** Recomputes every checkpoint's root from the records as they are and signs it again with `key`. */
export async function resignCheckpoints(db: object, key: SigningKey): Promise<void> {
  const t = db as unknown as Kysely<Tables>;
  const checkpoints = await t.selectFrom("record_checkpoints").selectAll().orderBy("tree_size").execute();
  const all = await t.selectFrom("records").selectAll().orderBy("id").execute();
  const frontier = new Frontier();
  for (const cp of checkpoints) {
    while (frontier.size < cp.tree_size) frontier.add(recordLeafHash(all[frontier.size]!));
    const signed = signCheckpoint({ treeSize: cp.tree_size, rootHash: frontier.root().toString("hex"), time: cp.created_at, keyId: key.publicKey.keyId }, key);
    await t.updateTable("record_checkpoints").set({ root_hash: signed.rootHash, key_id: signed.keyId, signature: signed.signature }).where("tree_size", "=", cp.tree_size).execute();
  }
}

/** The forger's next checkpoint: the root of every record as it is now, signed with `key`. */
export async function signCheckpointNow(db: object, key: SigningKey, time: number): Promise<number> {
  const t = db as unknown as Kysely<Tables>;
  const all = await t.selectFrom("records").selectAll().orderBy("id").execute();
  const frontier = new Frontier();
  for (const r of all) frontier.add(recordLeafHash(r));
  const cp = signCheckpoint({ treeSize: all.length, rootHash: frontier.root().toString("hex"), time, keyId: key.publicKey.keyId }, key);
  await t.insertInto("record_checkpoints").values({ tree_size: cp.treeSize, root_hash: cp.rootHash, created_at: cp.time, key_id: cp.keyId, signature: cp.signature }).execute();
  return cp.treeSize;
}

/** A log cut back to its first `size` records (an older backup put back): later records and checkpoints gone. */
export async function shrinkLog(db: object, size: number): Promise<void> {
  const t = db as unknown as Kysely<Tables>;
  await t.deleteFrom("record_checkpoints").where("tree_size", ">", size).execute();
  await t.deleteFrom("records").where("id", ">", size).execute();
}
