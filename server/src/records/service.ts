import { join, resolve } from "node:path";
import type { FastifyBaseLogger } from "fastify";
import type { Store } from "../store/store";
import { Checkpointer } from "./checkpoints";
import { ephemeralSigningKey, keyFileIsOpen, loadOrCreateSigningKey, RECORDS_KEY_FILE } from "./keys";
import { recordsDb } from "./schema";

export interface RecordsOptions {
  /**
   * The Ed25519 key file (`telecal server --records-key`), which may be outside the data dir; default
   * TELECAL_RECORDS_KEY, then `records-key.pem` in the data dir, else a key for this process only (tests).
   */
  keyPath?: string;
  /** How often a checkpoint is signed when there are new records; 0 for none but on demand. */
  checkpointIntervalMs?: number;
}

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;

/** Loads (or creates) the signing key and starts signing checkpoints of the store's record log. */
export async function startRecords(
  store: Store,
  options: RecordsOptions & { dataDir?: string },
  log: FastifyBaseLogger,
): Promise<Checkpointer> {
  const keyPath =
    options.keyPath ??
    (process.env["TELECAL_RECORDS_KEY"] || undefined) ??
    (options.dataDir ? join(resolve(options.dataDir), RECORDS_KEY_FILE) : undefined);
  const key = keyPath ? loadOrCreateSigningKey(keyPath) : ephemeralSigningKey();
  const checkpoints = new Checkpointer(recordsDb(store.db), store.dialect, key);
  await checkpoints.start(options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS, (err) =>
    log.error({ err }, "record log checkpoint failed"),
  );
  log.info({ keyId: key.publicKey.keyId, keyPath: keyPath ?? "(this process only)" }, "record log signing key");
  // Made 0600 here; a file put there by hand may be open to others, who could then sign checkpoints.
  if (keyPath && keyFileIsOpen(keyPath)) log.warn({ keyPath }, "record log signing key is readable by others than its owner: chmod 600 it");
  return checkpoints;
}
