import type { Kysely, Migration } from "kysely";

/**
 * Who asked for control of an instrument and has had no answer yet. Kept in the store, not in one
 * server process's memory, so that a request made through one process is seen (and granted, and
 * cleared) through any other of a cluster.
 */
export const leaseRequests: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("lease_requests")
      .addColumn("instrument_id", "text", (c) => c.notNull().references("instruments.id"))
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
      /** SessionUser of who asked, as JSON, as the session shows it. */
      .addColumn("user", "text", (c) => c.notNull())
      .addColumn("asked_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("lease_requests_pk", ["instrument_id", "user_id"])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("lease_requests").execute();
  },
};
