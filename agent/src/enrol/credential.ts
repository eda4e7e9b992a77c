import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createPrivateKey, type KeyObject } from "node:crypto";
import { join } from "node:path";
import { AgentSocketAuth, TelecalError } from "@telecal/protocols";

/** Files of an enrolled agent in its data dir; both are secrets (mode 0600). */
export const DEVICE_KEY_FILE = "device-key.pem";
export const CREDENTIAL_FILE = "agent-credential.json";

export type AgentCredential = AgentSocketAuth;

function writeSecret(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  // The mode of writeFileSync applies only to a new file.
  chmodSync(file, 0o600);
}

export function saveCredential(dataDir: string, credential: AgentCredential): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeSecret(join(dataDir, CREDENTIAL_FILE), `${JSON.stringify(credential, null, 2)}\n`);
}

export function saveDeviceKey(dataDir: string, privateKeyPem: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeSecret(join(dataDir, DEVICE_KEY_FILE), privateKeyPem);
}

/** The stored credential, or null when the agent was never enrolled with this data dir. */
export function loadCredential(dataDir: string): AgentCredential | null {
  const file = join(dataDir, CREDENTIAL_FILE);
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new TelecalError("TC_ERR_CONFIG_READ", { file, reason: (err as Error).message });
  }
  const parsed = AgentSocketAuth.safeParse(raw);
  if (!parsed.success) throw new TelecalError("TC_ERR_CONFIG_INVALID", { file, line: 1, key: "(credential)", reason: parsed.error.issues[0]?.message });
  return parsed.data;
}

/** The device key `telecal agent enroll` stored, or null when there is none. */
export function loadDeviceKey(dataDir: string): KeyObject | null {
  const file = join(dataDir, DEVICE_KEY_FILE);
  if (!existsSync(file)) return null;
  try {
    return createPrivateKey(readFileSync(file, "utf8"));
  } catch (err) {
    throw new TelecalError("TC_ERR_CONFIG_READ", { file, reason: (err as Error).message });
  }
}
