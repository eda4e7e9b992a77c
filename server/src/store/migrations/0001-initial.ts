import { type Kysely, type Migration, sql, SqliteAdapter } from "kysely";

/** Agents, their streams with the acked seq, and readings keyed on (agent, stream, seq). */
export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
    await db.schema
      .createTable("agents")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("first_seen", "bigint", (c) => c.notNull())
      .addColumn("last_seen", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("streams")
      .addColumn("agent_id", "text", (c) => c.notNull().references("agents.id"))
      .addColumn("stream_id", "text", (c) => c.notNull())
      .addColumn("instrument_id", "text", (c) => c.notNull())
      .addColumn("quantity", "text", (c) => c.notNull())
      .addColumn("unit", "text", (c) => c.notNull())
      .addColumn("acked_seq", "bigint", (c) => c.notNull().defaultTo(-1))
      .addPrimaryKeyConstraint("streams_pk", ["agent_id", "stream_id"])
      .execute();
    await db.schema
      .createTable("readings")
      .addColumn("agent_id", "text", (c) => c.notNull())
      .addColumn("stream_id", "text", (c) => c.notNull())
      .addColumn("seq", "bigint", (c) => c.notNull())
      .addColumn("t", "double precision", (c) => c.notNull())
      .addColumn("value", "double precision")
      .addColumn("flags", "integer", (c) => c.notNull())
      .addColumn("clock_offset_ms", "double precision", (c) => c.notNull())
      .addColumn("clock_uncertainty_ms", "double precision", (c) => c.notNull())
      .addColumn("historical", "integer", (c) => c.notNull())
      .addColumn("received_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("readings_pk", ["agent_id", "stream_id", "seq"])
      .addForeignKeyConstraint("readings_stream_fk", ["agent_id", "stream_id"], "streams", ["agent_id", "stream_id"])
      .addCheckConstraint("readings_seq_check", sql`seq >= 0`)
      .addCheckConstraint("readings_flags_check", sql`flags >= 0`)
      .addCheckConstraint("readings_clock_check", sql`clock_uncertainty_ms >= 0`)
      .addCheckConstraint("readings_historical_check", sql`historical in (0, 1)`)
      // SQLite: the primary key is the table, not a second index beside a rowid table.
      .$call((b) => (sqlite ? b.modifyEnd(sql`without rowid`) : b))
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("readings").execute();
    await db.schema.dropTable("streams").execute();
    await db.schema.dropTable("agents").execute();
  },
};
