import type { InstrumentDescriptor } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { Schema, StreamsTable } from "./schema";

export interface StreamRecord {
  agentId: string;
  streamId: string;
  instrumentId: string;
  quantity: string;
  unit: string;
  /** Every seq up to this one is stored; -1 while none is. */
  ackedSeq: number;
}

/** Rows per INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const ROWS_PER_STATEMENT = 500;

/** The streams each agent announced, and per stream the highest contiguous seq stored. */
export class StreamsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /**
   * Records the streams of a hello: new ones start with nothing acked, known ones keep their acked
   * seq and take the instrument, quantity and unit now announced. The agent must exist.
   */
  async register(agentId: string, instruments: readonly InstrumentDescriptor[]): Promise<void> {
    const rows = new Map<string, StreamsTable>();
    for (const instrument of instruments) {
      for (const s of instrument.streams) {
        rows.set(s.id, {
          agent_id: agentId,
          stream_id: s.id,
          instrument_id: instrument.id,
          quantity: s.quantity,
          unit: s.unit,
          acked_seq: -1,
        });
      }
    }
    const all = [...rows.values()];
    for (let i = 0; i < all.length; i += ROWS_PER_STATEMENT) {
      await this.db
        .insertInto("streams")
        .values(all.slice(i, i + ROWS_PER_STATEMENT))
        .onConflict((oc) =>
          oc.columns(["agent_id", "stream_id"]).doUpdateSet((eb) => ({
            instrument_id: eb.ref("excluded.instrument_id"),
            quantity: eb.ref("excluded.quantity"),
            unit: eb.ref("excluded.unit"),
          })),
        )
        .execute();
    }
  }

  /** Acked seq per stream of one agent, for HelloAccepted.acked. */
  async ackedSeqs(agentId: string): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom("streams")
      .select(["stream_id", "acked_seq"])
      .where("agent_id", "=", agentId)
      .execute();
    return Object.fromEntries(rows.map((r) => [r.stream_id, r.acked_seq]));
  }

  /** Every stream the store knows, ordered by agent and stream. */
  async streams(): Promise<StreamRecord[]> {
    const rows = await this.db.selectFrom("streams").selectAll().orderBy("agent_id").orderBy("stream_id").execute();
    return rows.map((r) => ({
      agentId: r.agent_id,
      streamId: r.stream_id,
      instrumentId: r.instrument_id,
      quantity: r.quantity,
      unit: r.unit,
      ackedSeq: r.acked_seq,
    }));
  }
}
