import { type Kysely, type Migration, sql } from "kysely";

/**
 * Every device key an agent has had, with the time it took over and the time another replaced it:
 * `telecal verify` checks each batch's signature against the key the agent had when it was stored,
 * so a new key (re-enrolment, the demo agent's key of each run) never makes old batches fail. The
 * current key of each agent becomes its first entry.
 */
export const agentKeys: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("agent_keys")
      .addColumn("agent_id", "text", (c) => c.notNull().references("agents.id"))
      /** SPKI PEM, as `agents.public_key` holds the current one. */
      .addColumn("public_key", "text", (c) => c.notNull())
      .addColumn("valid_from", "bigint", (c) => c.notNull())
      /** Null while it is the agent's key. */
      .addColumn("valid_to", "bigint")
      .addPrimaryKeyConstraint("agent_keys_pk", ["agent_id", "valid_from"])
      .execute();
    await sql`insert into agent_keys (agent_id, public_key, valid_from, valid_to)
      select id, public_key, coalesce(enrolled_at, first_seen), null from agents where public_key is not null`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("agent_keys").execute();
  },
};
