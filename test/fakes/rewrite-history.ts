import { canonicalJson } from "@telecal/protocols";
import { existsSync } from "node:fs";
import { type Checkpoint } from "@telecal/protocols";
import { chainHash, checkpointDigest, Frontier, recordLeafHash, sha256Hex, signCheckpoint, type SigningKey, writeCheckpointFile } from "@telecal/server";
import type { Kysely } from "kysely";

/** The tables a forger rewrites, as Kysely sees them (loosely: this is a fake, not the store). */
interface Tables {
  records: { id: number; kind: string; stream: string; seq: number; payload: string; payload_hash: string; prev_hash: string; hash: string; created_at: number; actor: string };
  record_checkpoints: { tree_size: number; root_hash: string; created_at: number; key_id: string; signature: string; seq: number | null; prev_hash: string | null; leaves: string | null };
  readings: { agent_id: string; stream_id: string; seq: number; value: number | null };
}

/** The v2 checkpoints' first prevHash (FIRST_CHECKPOINT_PREV): 64 zeros. */
const FIRST_PREV = "0".repeat(64);

/**
 * A forger who holds the lab server's key and can write its data dir: changes one reading and the
 * reading-batch record that carried it, recomputes the stream's hash chain from there, re-signs
 * every checkpoint (same sizes, times, seqs; the chain of digests and the kept leaves made again)
 * with the lab's key, and rewrites the checkpoint file kept beside the key (`keptFile`). `telecal
 * verify` on the data dir alone then finds nothing (for a batch the agent did not sign).
 */
export async function rewriteReading(db: object, key: SigningKey, at: { agentId: string; streamId: string; seq: number; value: number }, keptFile?: string): Promise<void> {
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
    await resignCheckpoints(trx, key, keptFile);
  });
}

/** Recomputes every checkpoint's root, chain and leaves from the records as they are and signs it again with `key`. */
export async function resignCheckpoints(db: object, key: SigningKey, keptFile?: string): Promise<void> {
  const t = db as unknown as Kysely<Tables>;
  const checkpoints = await t.selectFrom("record_checkpoints").selectAll().orderBy("tree_size").execute();
  const all = await t.selectFrom("records").selectAll().orderBy("id").execute();
  const frontier = new Frontier();
  let prev: Checkpoint | undefined;
  for (const cp of checkpoints) {
    const leaves: Buffer[] = [];
    while (frontier.size < cp.tree_size) {
      const leaf = recordLeafHash(all[frontier.size]!);
      leaves.push(leaf);
      frontier.add(leaf);
    }
    const v2 = cp.seq === null ? {} : { seq: Number(cp.seq), prevHash: prev ? checkpointDigest(prev) : FIRST_PREV };
    const signed = signCheckpoint({ treeSize: Number(cp.tree_size), rootHash: frontier.root().toString("hex"), time: Number(cp.created_at), keyId: key.publicKey.keyId, ...v2 }, key);
    await t
      .updateTable("record_checkpoints")
      .set({ root_hash: signed.rootHash, key_id: signed.keyId, signature: signed.signature, prev_hash: signed.prevHash ?? null, leaves: cp.leaves === null ? null : Buffer.concat(leaves).toString("base64") })
      .where("tree_size", "=", cp.tree_size)
      .execute();
    prev = signed;
  }
  if (keptFile && prev && existsSync(keptFile)) writeCheckpointFile(keptFile, prev);
}

/** The forger's next checkpoint: the root of every record as it is now, signed with `key`, after the last one. */
export async function signCheckpointNow(db: object, key: SigningKey, time: number, keptFile?: string): Promise<number> {
  const t = db as unknown as Kysely<Tables>;
  const all = await t.selectFrom("records").selectAll().orderBy("id").execute();
  const last = await t.selectFrom("record_checkpoints").selectAll().orderBy("tree_size", "desc").limit(1).executeTakeFirst();
  const frontier = new Frontier();
  const added: Buffer[] = [];
  for (const r of all) {
    const leaf = recordLeafHash(r);
    if (frontier.size >= Number(last?.tree_size ?? 0)) added.push(leaf);
    frontier.add(leaf);
  }
  const lastCp: Checkpoint | undefined = last && {
    treeSize: Number(last.tree_size),
    rootHash: last.root_hash,
    time: Number(last.created_at),
    keyId: last.key_id,
    ...(last.seq === null ? {} : { seq: Number(last.seq), prevHash: last.prev_hash ?? FIRST_PREV }),
    signature: last.signature,
  };
  const cp = signCheckpoint({ treeSize: all.length, rootHash: frontier.root().toString("hex"), time, keyId: key.publicKey.keyId, seq: Number(last?.seq ?? 0) + 1, prevHash: lastCp ? checkpointDigest(lastCp) : FIRST_PREV }, key);
  await t
    .insertInto("record_checkpoints")
    .values({ tree_size: cp.treeSize, root_hash: cp.rootHash, created_at: cp.time, key_id: cp.keyId, signature: cp.signature, seq: cp.seq!, prev_hash: cp.prevHash!, leaves: Buffer.concat(added).toString("base64") })
    .execute();
  if (keptFile && existsSync(keptFile)) writeCheckpointFile(keptFile, cp);
  return cp.treeSize;
}

/** A log cut back to its first `size` records (an older backup put back): later records and checkpoints gone. */
export async function shrinkLog(db: object, size: number): Promise<void> {
  const t = db as unknown as Kysely<Tables>;
  await t.deleteFrom("record_checkpoints").where("tree_size", ">", size).execute();
  await t.deleteFrom("records").where("id", ">", size).execute();
}
