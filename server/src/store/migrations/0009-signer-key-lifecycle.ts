import type { Kysely, Migration } from "kysely";

/**
 * Approver keys have a life: retired when rotated (still proves what it signed before), revoked
 * when lost (proves nothing signed from then on). And the files as issued, so that the public
 * verify page offers the genuine ones for download.
 */
export const signerKeyLifecycle: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("certificate_signer_keys").addColumn("retired_at", "bigint").execute();
    await db.schema.alterTable("certificate_signer_keys").addColumn("revoked_at", "bigint").execute();
    await db.schema.alterTable("certificate_signer_keys").addColumn("revoked_reason", "text").execute();
    await db.schema.createIndex("certificate_signer_keys_user").on("certificate_signer_keys").columns(["user_id", "created_at"]).execute();
    await db.schema
      .createTable("certificate_files")
      .addColumn("certificate_id", "text", (c) => c.notNull().references("certificates.id"))
      .addColumn("file", "text", (c) => c.notNull())
      /** base64 of the bytes issued: text is stored alike by SQLite and PostgreSQL. */
      .addColumn("content", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("certificate_files_pk", ["certificate_id", "file"])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("certificate_files").execute();
    await db.schema.dropIndex("certificate_signer_keys_user").execute();
    await db.schema.alterTable("certificate_signer_keys").dropColumn("revoked_reason").execute();
    await db.schema.alterTable("certificate_signer_keys").dropColumn("revoked_at").execute();
    await db.schema.alterTable("certificate_signer_keys").dropColumn("retired_at").execute();
  },
};
