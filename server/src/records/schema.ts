import type { Kysely } from "kysely";

/** The tables of the record log (migration 0003), as Kysely sees them. */
export interface RecordsTable {
  /** 1, 2, 3 ... in append order, gap-free: assigned under the log's lock, never by a sequence. */
  id: number;
  kind: string;
  /** "agentId/streamId", "registry", "session/<id>" ... */
  stream: string;
  /** 0, 1, 2 ... per stream, gap-free. */
  seq: number;
  /** Canonical JSON (@telecal/protocols canonical.ts). */
  payload: string;
  payload_hash: string;
  prev_hash: string;
  hash: string;
  created_at: number;
  actor: string;
}

export interface RecordCheckpointsTable {
  /** The checkpoint covers records 1 .. tree_size. */
  tree_size: number;
  root_hash: string;
  created_at: number;
  key_id: string;
  /** Ed25519 over checkpointText(), base64. */
  signature: string;
  /** v2 (migration 0013): 1, 2, 3 ... in signing order; null for v1. */
  seq: number | null;
  /** v2: SHA-256 of the previous checkpoint's signed text. */
  prev_hash: string | null;
  /** v2: base64 of the leaf hashes of the records after the previous checkpoint, up to tree_size. */
  leaves: string | null;
}

export interface RecordKeysTable {
  key_id: string;
  /** SPKI DER, base64. */
  public_key: string;
  created_at: number;
}

export interface RecordsSchema {
  records: RecordsTable;
  record_checkpoints: RecordCheckpointsTable;
  record_keys: RecordKeysTable;
}

/** The same connection or transaction, typed for the log's tables (Kysely's DB type is invariant). */
export function recordsDb(db: object): Kysely<RecordsSchema> {
  return db as unknown as Kysely<RecordsSchema>;
}
