import { type Kysely, type Migration } from "kysely";

/**
 * Organisations, users, sessions (only the hash of a session id is stored), one-time enrolment
 * tokens (hash only), and per agent the organisation, Ed25519 public key and credential hash.
 */
export const auth: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("organisations")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("users")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
      .addColumn("username", "text", (c) => c.notNull().unique())
      .addColumn("display_name", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("sessions")
      .addColumn("id_hash", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("enrolment_tokens")
      .addColumn("token_hash", "text", (c) => c.primaryKey())
      .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
      .addColumn("created_by", "text", (c) => c.notNull().references("users.id"))
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addColumn("used_at", "bigint")
      .addColumn("used_by_agent", "text")
      .execute();
    await db.schema.alterTable("agents").addColumn("organisation_id", "text").execute();
    await db.schema.alterTable("agents").addColumn("public_key", "text").execute();
    await db.schema.alterTable("agents").addColumn("credential_hash", "text").execute();
    await db.schema.alterTable("agents").addColumn("enrolled_at", "bigint").execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const column of ["enrolled_at", "credential_hash", "public_key", "organisation_id"]) {
      await db.schema.alterTable("agents").dropColumn(column).execute();
    }
    await db.schema.dropTable("enrolment_tokens").execute();
    await db.schema.dropTable("sessions").execute();
    await db.schema.dropTable("users").execute();
    await db.schema.dropTable("organisations").execute();
  },
};
