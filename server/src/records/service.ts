import { join, resolve } from "node:path";
import type { FastifyBaseLogger } from "fastify";
import type { Store } from "../store/store";
import { checkpointFileFor, readCheckpointFile, writeCheckpointFile } from "./checkpoint-file";
import { checkpointSignatureValid } from "./checkpoint-text";
import { Checkpointer } from "./checkpoints";
import { checkLogNotOlder } from "./log-regression";
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
  /**
   * Start on a log older than the last checkpoint kept beside the key (a restore from backup),
   * appending a log-regression record, instead of refusing with TC_ERR_LOG_REGRESSED.
   */
  acceptRestoredLog?: boolean;
}

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;

/** Compares the log with the file's checkpoint, then keeps the file up to date after each checkpoint. */
async function keepCheckpointFile(checkpoints: Checkpointer, store: Store, file: string, accept: boolean, log: FastifyBaseLogger): Promise<void> {
  const last = readCheckpointFile(file);
  if (last) await checkLogNotOlder({ db: recordsDb(store.db), dialect: store.dialect, checkpoints, file, last, accept, log });
  checkpoints.onSigned = (cp) => {
    try {
      writeCheckpointFile(file, cp);
    } catch (err) {
      // The checkpoint is in the database; the next start compares with the one before.
      log.error({ err }, "could not keep the checkpoint beside the records key");
    }
  };
}

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
  // Before the interval starts: nothing may be signed over a log that went back.
  const file = keyPath ? checkpointFileFor(keyPath) : undefined;
  if (file) await keepCheckpointFile(checkpoints, store, file, options.acceptRestoredLog ?? false, log);
  await checkpoints.start(options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS, (err) =>
    log.error({ err }, "record log checkpoint failed"),
  );
  // Records a killed server left uncovered get their checkpoint now, before anything is appended:
  // `telecal verify` takes records uncovered for longer than the interval for deleted checkpoints.
  await checkpoints.checkpoint();
  if (file && !readCheckpointFile(file)) {
    // A server from before the file, with nothing new to sign: the file starts with the latest.
    const latest = await checkpoints.latest();
    if (latest && checkpointSignatureValid(latest, key.publicKey.spki)) writeCheckpointFile(file, latest);
  }
  log.info({ keyId: key.publicKey.keyId, keyPath: keyPath ?? "(this process only)" }, "record log signing key");
  // Made 0600 here; a file put there by hand may be open to others, who could then sign checkpoints.
  if (keyPath && keyFileIsOpen(keyPath)) log.warn({ keyPath }, "record log signing key is readable by others than its owner: chmod 600 it");
  return checkpoints;
}
