import type { Kysely, Migration } from "kysely";

/**
 * The instruments each agent announced at its last hello, with the driver that reads them: a job's
 * binding is checked against what the bench can really do, not against the registry's word alone.
 */
export const agentInstruments: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("agent_instruments")
      .addColumn("agent_id", "text", (c) => c.notNull().references("agents.id"))
      .addColumn("instrument_id", "text", (c) => c.notNull())
      .addColumn("driver", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("announced_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("agent_instruments_pk", ["agent_id", "instrument_id"])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("agent_instruments").execute();
  },
};
