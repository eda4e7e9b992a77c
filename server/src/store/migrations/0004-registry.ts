import { type Kysely, type Migration, sql } from "kysely";

/**
 * The lab registry: each organisation's optional parent (the institute that supervises it), labs,
 * instruments with an optional binding to an agent's instrument, and reference certificates.
 * Dates of certificates are calendar days as text (YYYY-MM-DD), so both databases compare them alike.
 */
export const registry: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("organisations").addColumn("parent_id", "text", (c) => c.references("organisations.id")).execute();
    await db.schema
      .createTable("labs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("address", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("labs_name_unique", ["organisation_id", "name"])
      .execute();
    await db.schema
      .createTable("instruments")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("lab_id", "text", (c) => c.notNull().references("labs.id"))
      .addColumn("maker", "text", (c) => c.notNull())
      .addColumn("model", "text", (c) => c.notNull())
      .addColumn("serial", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('reference', 'uut')`))
      .addColumn("quantity", "text", (c) => c.notNull())
      .addColumn("range", "text", (c) => c.notNull())
      .addColumn("agent_id", "text", (c) => c.references("agents.id"))
      .addColumn("agent_instrument_id", "text")
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("instruments_serial_unique", ["lab_id", "maker", "model", "serial"])
      // Both databases let several rows without a binding (nulls) through a unique constraint.
      .addUniqueConstraint("instruments_binding_unique", ["agent_id", "agent_instrument_id"])
      .execute();
    await db.schema
      .createTable("reference_certificates")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("instrument_id", "text", (c) => c.notNull().references("instruments.id"))
      .addColumn("number", "text", (c) => c.notNull())
      .addColumn("issuer", "text", (c) => c.notNull())
      .addColumn("issued_on", "text", (c) => c.notNull())
      .addColumn("due_on", "text", (c) => c.notNull())
      /** ReportedValue[] as JSON text. */
      .addColumn("reported_values", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("certificates_number_unique", ["instrument_id", "number"])
      .execute();
    await db.schema.createIndex("reference_certificates_due").on("reference_certificates").columns(["instrument_id", "due_on"]).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("reference_certificates").execute();
    await db.schema.dropTable("instruments").execute();
    await db.schema.dropTable("labs").execute();
    await db.schema.alterTable("organisations").dropColumn("parent_id").execute();
  },
};
