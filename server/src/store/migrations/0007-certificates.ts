import type { Kysely, Migration } from "kysely";

/**
 * Issued certificates and the approvers' public signing keys. A certificate's data is kept as the
 * canonical JSON it was rendered from, with the SHA-256 of each file issued; nothing of a row
 * changes but its status (valid → amended or revoked), and each change is also a record of the log.
 */
export const certificates: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("certificates")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("number", "text", (c) => c.notNull().unique())
      .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("dcc_sha256", "text", (c) => c.notNull())
      .addColumn("pdf_sha256", "text", (c) => c.notNull())
      .addColumn("pdf_en_sha256", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("replaces", "text")
      .addColumn("replaced_by", "text")
      .addColumn("revoked_at", "bigint")
      .addColumn("revoked_by", "text")
      .addColumn("revoked_reason", "text")
      .addColumn("issued_by", "text", (c) => c.notNull().references("users.id"))
      .addColumn("issued_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("certificates_organisation").on("certificates").columns(["organisation_id", "issued_at"]).execute();
    await db.schema
      .createTable("certificate_signer_keys")
      .addColumn("key_id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
      .addColumn("spki", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("certificate_signer_keys").execute();
    await db.schema.dropTable("certificates").execute();
  },
};
