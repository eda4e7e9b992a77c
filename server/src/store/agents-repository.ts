import type { Kysely } from "kysely";
import type { Schema } from "./schema";

export interface AgentRecord {
  agentId: string;
  name: string;
  firstSeen: number;
  lastSeen: number;
}

/** Agents the server has heard from, with when it first and last did. */
export class AgentsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Records that the agent said hello (new agents are created, known ones renamed if need be). */
  async seen(agentId: string, name: string, now: number): Promise<void> {
    await this.db
      .insertInto("agents")
      .values({ id: agentId, name, first_seen: now, last_seen: now })
      .onConflict((oc) =>
        oc.column("id").doUpdateSet((eb) => ({ name: eb.ref("excluded.name"), last_seen: eb.ref("excluded.last_seen") })),
      )
      .execute();
  }

  async touch(agentId: string, now: number): Promise<void> {
    await this.db.updateTable("agents").set({ last_seen: now }).where("id", "=", agentId).execute();
  }

  /** The agent's Ed25519 public key (SPKI PEM) registered at enrolment; null if it has none. */
  async publicKey(agentId: string): Promise<string | null> {
    const row = await this.db.selectFrom("agents").select("public_key").where("id", "=", agentId).executeTakeFirst();
    return row?.public_key ?? null;
  }

  async agents(): Promise<AgentRecord[]> {
    const rows = await this.db.selectFrom("agents").selectAll().orderBy("id").execute();
    return rows.map((r) => ({ agentId: r.id, name: r.name, firstSeen: r.first_seen, lastSeen: r.last_seen }));
  }
}
