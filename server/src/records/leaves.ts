import type { Kysely } from "kysely";
import { leafData } from "./hashing";
import { leafHash } from "./merkle";
import type { RecordsSchema } from "./schema";

const PAGE = 5000;

/** The Merkle leaf hash of a record, from its columns. */
export function recordLeafHash(r: { id: number; hash: string; created_at: number; actor: string }): Buffer {
  return leafHash(leafData({ id: r.id, hash: r.hash, createdAt: r.created_at, actor: r.actor }));
}

/** The Merkle leaf hashes of records 1 .. size, in id order (fewer when the log is shorter). */
export async function readLeaves(db: Kysely<RecordsSchema>, size: number): Promise<Buffer[]> {
  const leaves: Buffer[] = [];
  while (leaves.length < size) {
    const rows = await db
      .selectFrom("records")
      .select(["id", "hash", "created_at", "actor"])
      .where("id", ">", leaves.length)
      .where("id", "<=", size)
      .orderBy("id")
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) leaves.push(recordLeafHash(r));
  }
  return leaves;
}
