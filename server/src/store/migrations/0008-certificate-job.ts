import type { Kysely, Migration } from "kysely";

/**
 * A certificate issued from a job names the job, so that a job has one valid certificate at a time
 * (a second is an amendment of the first). And the lookups that recompute a job's results from its
 * raw records: readings of a stream by time stamp, reading batches of a stream by arrival.
 */
export const certificateJob: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("certificates").addColumn("job_id", "text").execute();
    await db.schema.createIndex("certificates_job").on("certificates").columns(["job_id", "status"]).execute();
    await db.schema.createIndex("readings_time").on("readings").columns(["agent_id", "stream_id", "t"]).execute();
    await db.schema.createIndex("records_stream_time").on("records").columns(["stream", "created_at"]).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex("records_stream_time").execute();
    await db.schema.dropIndex("readings_time").execute();
    await db.schema.dropIndex("certificates_job").execute();
    await db.schema.alterTable("certificates").dropColumn("job_id").execute();
  },
};
