import type { Kysely, Migration } from "kysely";

/**
 * Calibration jobs. A job's steps are not kept here: they are records of the record log (stream
 * `job/<id>`), so the run of a job is as tamper-evident as its readings. The procedure is kept as
 * it was when the job was created, so a later edit of the file never changes a job under way.
 */
export const jobs: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("jobs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
      .addColumn("procedure_id", "text", (c) => c.notNull())
      .addColumn("procedure", "text", (c) => c.notNull())
      .addColumn("agent_id", "text", (c) => c.notNull().references("agents.id"))
      .addColumn("binding", "text", (c) => c.notNull())
      .addColumn("standards", "text", (c) => c.notNull())
      .addColumn("technician_id", "text", (c) => c.notNull().references("users.id"))
      .addColumn("expert_id", "text", (c) => c.notNull().references("users.id"))
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("jobs_organisation").on("jobs").columns(["organisation_id", "created_at"]).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("jobs").execute();
  },
};
