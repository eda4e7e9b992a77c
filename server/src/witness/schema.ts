import type { Kysely } from "kysely";

/** A countersigned lab checkpoint (migration 0013-witness). */
export interface WitnessedCheckpointsTable {
  log_url: string;
  tree_size: number;
  root_hash: string;
  checkpoint_time: number;
  log_key_id: string;
  log_signature: string;
  witnessed_at: number;
  witness_key_id: string;
  cosignature: string;
}

export interface WitnessAlarmsTable {
  id: string;
  log_url: string;
  log_key_id: string;
  raised_at: number;
  reason: string;
  /** Checkpoint JSON, or null. */
  previous: string | null;
  offered: string;
  offered_key_id: string;
}

export interface WitnessSchema {
  witnessed_checkpoints: WitnessedCheckpointsTable;
  witness_alarms: WitnessAlarmsTable;
}

/** The same connection, typed for the witness's tables. */
export function witnessDb(db: object): Kysely<WitnessSchema> {
  return db as unknown as Kysely<WitnessSchema>;
}
