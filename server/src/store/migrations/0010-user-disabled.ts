import type { Kysely, Migration } from "kysely";

/**
 * An admin can disable a user (their sessions end, sign-in is refused until enabled again), and a
 * session remembers when it was last used, for the idle timeout.
 */
export const userDisabled: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("users").addColumn("disabled_at", "bigint").execute();
    await db.schema.alterTable("sessions").addColumn("last_used_at", "bigint").execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("sessions").dropColumn("last_used_at").execute();
    await db.schema.alterTable("users").dropColumn("disabled_at").execute();
  },
};
