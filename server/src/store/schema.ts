import type { AuthSchema } from "../auth/schema";
import type { AgentInstrumentsTable } from "./agent-instruments-repository";
import type { CertificatesSchema } from "../certificates/schema";
import type { CoursesSchema } from "../courses/schema";
import type { JobsSchema } from "../jobs/schema";
import type { SessionsSchema } from "../realtime/sessions/schema";
import type { RegistrySchema } from "../registry/schema";

/**
 * The tables as Kysely sees them. Times are UTC milliseconds; `historical` is 0 or 1 so that SQLite
 * and PostgreSQL hold the same values. 64-bit integers come back as numbers on both (db.ts).
 */
export interface AgentsTable {
  id: string;
  name: string;
  first_seen: number;
  last_seen: number;
  /** Set at enrolment (0002-auth): null for an agent that was never enrolled. */
  organisation_id: string | null;
  /** SPKI PEM of the agent's Ed25519 device key. */
  public_key: string | null;
  credential_hash: string | null;
  enrolled_at: number | null;
}

/** A device key of an agent and when it was the agent's (0012-agent-keys). */
export interface AgentKeysTable {
  agent_id: string;
  public_key: string;
  valid_from: number;
  /** Null while it is the agent's key. */
  valid_to: number | null;
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

export interface Schema extends AuthSchema, RegistrySchema, JobsSchema, SessionsSchema, CertificatesSchema, CoursesSchema {
  agents: AgentsTable;
  agent_keys: AgentKeysTable;
  agent_instruments: AgentInstrumentsTable;
  streams: StreamsTable;
  readings: ReadingsTable;
}
