import type { Kysely, Migration } from "kysely";

/**
 * Control leases of live sessions: one row per instrument that was ever leased. The epoch is the
 * fencing token; it only rises (each grant, revoke and release), so it is kept here and not in memory,
 * where a restart would hand out an epoch that was seen before. The events themselves are records of
 * the log (stream `session/<jobId>`).
 */
export const sessions: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("instrument_leases")
      .addColumn("instrument_id", "text", (c) => c.primaryKey().references("instruments.id"))
      .addColumn("epoch", "bigint", (c) => c.notNull())
      .addColumn("job_id", "text", (c) => c.references("jobs.id"))
      .addColumn("holder_user_id", "text", (c) => c.references("users.id"))
      /** SessionUser of the holder as JSON, as the session shows it. */
      .addColumn("holder", "text")
      .addColumn("granted_by", "text")
      .addColumn("changed_at", "bigint", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("instrument_leases").execute();
  },
};
