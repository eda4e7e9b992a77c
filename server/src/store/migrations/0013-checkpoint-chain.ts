import type { Kysely, Migration } from "kysely";

/**
 * Checkpoints of version 2: each says its place (`seq`) and the hash of the one before, so that a
 * deleted checkpoint is seen; and keeps the Merkle leaves of the records it adds (`leaves`, base64
 * of 32-byte leaf hashes), so that `telecal verify` names the record a rewrite changed. The leaves
 * are not signed: they are believed only when they give the signed root.
 */
export const checkpointChain: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    await db.schema.alterTable("record_checkpoints").addColumn("seq", "bigint").execute();
    await db.schema.alterTable("record_checkpoints").addColumn("prev_hash", "text").execute();
    await db.schema.alterTable("record_checkpoints").addColumn("leaves", "text").execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const column of ["leaves", "prev_hash", "seq"]) await db.schema.alterTable("record_checkpoints").dropColumn(column).execute();
  },
};
