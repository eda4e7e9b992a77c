/**
 * The tables as Kysely sees them. Times are UTC milliseconds; `historical` is 0 or 1 so that SQLite
 * and PostgreSQL hold the same values. 64-bit integers come back as numbers on both (db.ts).
 */
export interface AgentsTable {
  id: string;
  name: string;
  first_seen: number;
  last_seen: number;
}

export interface StreamsTable {
  agent_id: string;
  stream_id: string;
  instrument_id: string;
  quantity: string;
  unit: string;
  /** Every seq up to this one is stored; -1 while none is. */
  acked_seq: number;
}

export interface ReadingsTable {
  agent_id: string;
  stream_id: string;
  seq: number;
  t: number;
  value: number | null;
  flags: number;
  clock_offset_ms: number;
  clock_uncertainty_ms: number;
  historical: number;
  received_at: number;
}

export interface Schema {
  agents: AgentsTable;
  streams: StreamsTable;
  readings: ReadingsTable;
}
