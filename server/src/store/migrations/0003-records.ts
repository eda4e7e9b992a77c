import type { Kysely, Migration } from "kysely";

/** The append-only record log, its signed Merkle checkpoints and the public keys that signed them. */
export const records: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("records")
      .addColumn("id", "bigint", (c) => c.primaryKey())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("stream", "text", (c) => c.notNull())
      .addColumn("seq", "bigint", (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("payload_hash", "text", (c) => c.notNull())
      .addColumn("prev_hash", "text", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addUniqueConstraint("records_stream_seq_unique", ["stream", "seq"])
      .execute();
    await db.schema
      .createTable("record_checkpoints")
      .addColumn("tree_size", "bigint", (c) => c.primaryKey())
      .addColumn("root_hash", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("key_id", "text", (c) => c.notNull())
      .addColumn("signature", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("record_keys")
      .addColumn("key_id", "text", (c) => c.primaryKey())
      .addColumn("public_key", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("record_keys").execute();
    await db.schema.dropTable("record_checkpoints").execute();
    await db.schema.dropTable("records").execute();
  },
};
