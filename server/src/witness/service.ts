import { join, resolve } from "node:path";
import type { FastifyBaseLogger } from "fastify";
import { ephemeralSigningKey, loadOrCreateSigningKey } from "../records/keys";
import type { Store } from "../store/store";
import { WitnessRepository } from "./repository";
import { witnessDb } from "./schema";
import { Witness } from "./witness";

/** The file name of a witness's own Ed25519 key in its data dir. */
export const WITNESS_KEY_FILE = "witness-key.pem";

export const DEFAULT_WITNESS_INTERVAL_MS = 60_000;

export interface WitnessOptions {
  /** Base URLs of the lab servers whose record logs this server witnesses. */
  of?: readonly string[];
  /** How often each is looked at; 0 for on demand only (tests). */
  intervalMs?: number;
  /** The witness key file; default TELECAL_WITNESS_KEY, then `witness-key.pem` in the data dir. */
  keyPath?: string;
}

/** A witness when `of` names logs, else null (its routes then answer TC_ERR_NOT_A_WITNESS). */
export function startWitness(store: Store, options: WitnessOptions & { dataDir?: string }, log: FastifyBaseLogger): Witness | null {
  const logs = [...new Set((options.of ?? []).map((u) => u.replace(/\/+$/, "")))];
  if (logs.length === 0) return null;
  const keyPath =
    options.keyPath ??
    (process.env["TELECAL_WITNESS_KEY"] || undefined) ??
    (options.dataDir ? join(resolve(options.dataDir), WITNESS_KEY_FILE) : undefined);
  const key = keyPath ? loadOrCreateSigningKey(keyPath) : ephemeralSigningKey();
  const witness = new Witness(logs, key, new WitnessRepository(witnessDb(store.db)), log);
  witness.start(options.intervalMs ?? DEFAULT_WITNESS_INTERVAL_MS);
  log.info({ logs, keyId: key.publicKey.keyId, keyPath: keyPath ?? "(this process only)" }, "witnessing record logs");
  return witness;
}
