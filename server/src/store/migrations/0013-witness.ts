import type { Kysely, Migration } from "kysely";

/**
 * A witness's memory of the record logs it watches (server/src/witness): the lab checkpoints it
 * countersigned, and the alarms it raised, each with the checkpoint it last countersigned and the
 * one the log offered that does not follow from it (the evidence).
 */
export const witness: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("witnessed_checkpoints")
      /** The lab server's address, as configured (--witness-of). */
      .addColumn("log_url", "text", (c) => c.notNull())
      .addColumn("tree_size", "bigint", (c) => c.notNull())
      .addColumn("root_hash", "text", (c) => c.notNull())
      /** The lab's checkpoint time and key, as it signed them. */
      .addColumn("checkpoint_time", "bigint", (c) => c.notNull())
      .addColumn("log_key_id", "text", (c) => c.notNull())
      .addColumn("log_signature", "text", (c) => c.notNull())
      .addColumn("witnessed_at", "bigint", (c) => c.notNull())
      .addColumn("witness_key_id", "text", (c) => c.notNull())
      .addColumn("cosignature", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("witnessed_checkpoints_pk", ["log_url", "tree_size"])
      .execute();
    await db.schema.createIndex("witnessed_checkpoints_key").on("witnessed_checkpoints").columns(["log_key_id", "tree_size"]).execute();
    await db.schema
      .createTable("witness_alarms")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("log_url", "text", (c) => c.notNull())
      /** The key of the last countersigned checkpoint, else of the offered one. */
      .addColumn("log_key_id", "text", (c) => c.notNull())
      .addColumn("raised_at", "bigint", (c) => c.notNull())
      .addColumn("reason", "text", (c) => c.notNull())
      /** Checkpoint JSON: the last countersigned one (null: none yet) and the offered one. */
      .addColumn("previous", "text")
      .addColumn("offered", "text", (c) => c.notNull())
      .addColumn("offered_key_id", "text", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("witness_alarms").execute();
    await db.schema.dropTable("witnessed_checkpoints").execute();
  },
};
