import type { InstrumentDescriptor } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { Schema } from "./schema";

/** An instrument as its agent announced it at its last hello (0017-agent-instruments). */
export interface AgentInstrumentsTable {
  agent_id: string;
  instrument_id: string;
  driver: string;
  role: string;
  announced_at: number;
}

/** The bench of each agent as its last hello described it: which driver reads which instrument. */
export class AgentInstrumentsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Replaces the agent's instruments with those of this hello (one it no longer has is gone). */
  async announce(agentId: string, instruments: readonly InstrumentDescriptor[], now: number): Promise<void> {
    await this.db.deleteFrom("agent_instruments").where("agent_id", "=", agentId).execute();
    if (instruments.length === 0) return;
    await this.db
      .insertInto("agent_instruments")
      .values(instruments.map((i) => ({ agent_id: agentId, instrument_id: i.id, driver: i.driver, role: i.role, announced_at: now })))
      .execute();
  }

  /** Instrument id → driver, for an agent; empty for one that never said hello. */
  async drivers(agentId: string): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom("agent_instruments").select(["instrument_id", "driver"]).where("agent_id", "=", agentId).execute();
    return new Map(rows.map((r) => [r.instrument_id, r.driver]));
  }
}
