import { type RecordsPublicKey, WellKnownKeys } from "@telecal/protocols";

/** How long the agent waits for the server's published keys. */
const KEYS_TIMEOUT_MS = 15_000;

/**
 * The record-log keys the server publishes at its well-known address: a checkpoint the agent keeps
 * must be signed by one of them, not merely by the key that came with it.
 */
export async function fetchLogKeys(serverUrl: string): Promise<RecordsPublicKey[]> {
  const url = `${serverUrl.replace(/\/$/, "")}/.well-known/telecal-keys.json`;
  const res = await fetch(url, { signal: AbortSignal.timeout(KEYS_TIMEOUT_MS), headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const keys = WellKnownKeys.parse(await res.json());
  return keys.recordLog.map((k) => ({ keyId: k.keyId, algorithm: "Ed25519", spki: k.spki }));
}
