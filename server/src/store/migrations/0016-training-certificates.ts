import type { Kysely, Migration } from "kysely";

/**
 * 培训证明: a course's criteria (whole percent; null until a trainer sets them) and which certificate
 * each trainee of a course holds. A training certificate is a row of `certificates` (kind
 * `training-certificate`, no DCC) so that the verify page and POST /api/certificates/verify know it;
 * this table ties it to its course and trainee, one per pair, so that a second issue is refused by
 * the store itself, even from another server process.
 */
export const trainingCertificates: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("courses").addColumn("pass_presence_percent", "integer").execute();
    await db.schema.alterTable("courses").addColumn("pass_score_percent", "integer").execute();
    await db.schema
      .createTable("training_certificates")
      .addColumn("certificate_id", "text", (c) => c.primaryKey().references("certificates.id"))
      .addColumn("course_id", "text", (c) => c.notNull().references("courses.id"))
      .addColumn("trainee_id", "text", (c) => c.notNull().references("users.id"))
      .addUniqueConstraint("training_certificates_course_trainee", ["course_id", "trainee_id"])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("training_certificates").execute();
    await db.schema.alterTable("courses").dropColumn("pass_score_percent").execute();
    await db.schema.alterTable("courses").dropColumn("pass_presence_percent").execute();
  },
};
