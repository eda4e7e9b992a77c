import type { Kysely } from "kysely";
import { appendRecord } from "../records/log";
import { recordsDb } from "../records/schema";
import type { DialectName } from "../store/db";
import type { Schema } from "../store/schema";
import type { JobsTable } from "./schema";
import { jobStream } from "./stream";

/** Rows of the jobs table. No authorisation here: the service decides who may see which. */
export class JobRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
  ) {}

  async job(id: string): Promise<JobsTable | undefined> {
    return this.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** An agent's jobs, oldest first. */
  async agentJobs(agentId: string): Promise<JobsTable[]> {
    return this.db.selectFrom("jobs").selectAll().where("agent_id", "=", agentId).orderBy("created_at").execute();
  }

  /** The jobs of these organisations, newest first. */
  async organisationJobs(organisations: string[]): Promise<JobsTable[]> {
    return this.db.selectFrom("jobs").selectAll().where("organisation_id", "in", organisations).orderBy("created_at", "desc").execute();
  }

  /** Stores a new job and the `job-created` record of its stream in one transaction: both or neither. */
  async insert(row: JobsTable, created: unknown, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto("jobs").values(row).execute();
      await appendRecord(recordsDb(trx), this.dialect, { kind: "procedure-event", stream: jobStream(row.id), actor: row.created_by, payload: created }, now);
    });
  }
}
