import type { Checkpoint, RecordsPublicKey } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { openDatabase } from "../store/db";
import { checkpointSignatureValid } from "./checkpoints";
import { chainHash } from "./hashing";
import { recordLeafHash } from "./leaves";
import { Frontier } from "./merkle";
import { recordsDb, type RecordsSchema } from "./schema";

/** A checkpoint from outside the log (a saved file, a witness) that the log does not bear out. */
export interface DifferingCheckpoint {
  checkpoint: Checkpoint;
  reason: string;
}

export interface AgainstLogOptions {
  /** Keys that may sign checkpoints; default the keys registered in the log's database. */
  trustedKeys?: readonly RecordsPublicKey[];
  pageSize?: number;
}

/**
 * Checks checkpoints kept outside the log against it: each must be signed by a key of the log and
 * its root must be the root of the log's first treeSize records as they are now (leaves from the
 * recomputed chain hashes, as verifyLog does). The differing ones, smallest tree size first.
 */
export async function checkpointsAgainstLog(
  db: Kysely<RecordsSchema>,
  checkpoints: readonly Checkpoint[],
  options: AgainstLogOptions = {},
): Promise<DifferingCheckpoint[]> {
  const keys = new Map<string, string>();
  const registered = options.trustedKeys ?? (await db.selectFrom("record_keys").selectAll().execute()).map((k) => ({ keyId: k.key_id, spki: k.public_key }));
  for (const k of registered) keys.set(k.keyId, k.spki);
  const sorted = [...checkpoints].sort((a, b) => a.treeSize - b.treeSize || a.time - b.time);
  const roots = await prefixRoots(db, sorted.map((c) => c.treeSize), options.pageSize ?? 2000);
  const differing: DifferingCheckpoint[] = [];
  for (const cp of sorted) {
    const spki = keys.get(cp.keyId);
    const root = roots.get(cp.treeSize);
    let reason: string | null = null;
    if (spki === undefined) reason = `signed with key ${cp.keyId}, which is not a key of this log`;
    else if (!checkpointSignatureValid(cp, spki)) reason = "its signature does not verify";
    else if (root === undefined) reason = `covers ${cp.treeSize} records, the log holds fewer`;
    else if (root !== cp.rootHash) reason = `its root ${cp.rootHash.slice(0, 16)}... is not the root of records 1..${cp.treeSize} (${root.slice(0, 16)}...)`;
    if (reason !== null) differing.push({ checkpoint: cp, reason });
  }
  return differing;
}

/** MTH of records 1 .. size for each size the log is long enough for. */
async function prefixRoots(db: Kysely<RecordsSchema>, sizes: readonly number[], pageSize: number): Promise<Map<number, string>> {
  const wanted = [...new Set(sizes)].sort((a, b) => a - b);
  const roots = new Map<number, string>();
  const frontier = new Frontier();
  const last = wanted.at(-1) ?? 0;
  let i = 0;
  while (frontier.size < last) {
    const rows = await db.selectFrom("records").selectAll().where("id", ">", frontier.size).where("id", "<=", last).orderBy("id").limit(pageSize).execute();
    // A gap in the ids ends the prefix: what follows is not records 1..n.
    if (rows.length === 0 || rows[0]!.id !== frontier.size + 1) break;
    for (const r of rows) {
      if (r.id !== frontier.size + 1) break;
      const hash = chainHash({ stream: r.stream, seq: r.seq, kind: r.kind, payloadHash: r.payload_hash, prevHash: r.prev_hash });
      frontier.add(recordLeafHash({ ...r, hash }));
      for (; i < wanted.length && wanted[i] === frontier.size; i++) roots.set(frontier.size, frontier.root().toString("hex"));
    }
  }
  return roots;
}

/** The keys registered as signing the log's checkpoints (table record_keys), to ask a witness about. */
export async function registeredLogKeys(url: string): Promise<RecordsPublicKey[]> {
  const { db } = openDatabase(url);
  try {
    const rows = await recordsDb(db).selectFrom("record_keys").selectAll().orderBy("created_at").execute();
    return rows.map((k) => ({ keyId: k.key_id, algorithm: "Ed25519" as const, spki: k.public_key }));
  } finally {
    await db.destroy();
  }
}

/** Opens `postgres://...` or `sqlite:FILE` without migrating it, checks the checkpoints and closes it. */
export async function checkpointsAgainstDatabase(url: string, checkpoints: readonly Checkpoint[], options: AgainstLogOptions = {}): Promise<DifferingCheckpoint[]> {
  const { db } = openDatabase(url);
  try {
    return await checkpointsAgainstLog(recordsDb(db), checkpoints, options);
  } finally {
    await db.destroy();
  }
}
