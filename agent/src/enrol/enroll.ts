import { generateKeyPairSync } from "node:crypto";
import { type EnrollRequest, EnrollResponse, ErrorBody, TelecalError } from "@telecal/protocols";
import type { AgentConfig } from "../config";
import { type AgentCredential, saveCredential, saveDeviceKey } from "./credential";

export interface EnrollOptions {
  serverUrl: string;
  token: string;
  config: AgentConfig;
  /** Where the device key and credential go: the config's dataDir. */
  dataDir: string;
  /** Gives up after this; the message names the server. */
  timeoutMs?: number;
}

/**
 * Creates the agent's Ed25519 device key, spends the one-time token at POST /api/agents/enroll and
 * stores the credential the server answers. The private key never leaves the data dir.
 */
export async function enrollAgent(options: EnrollOptions): Promise<AgentCredential> {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519", {
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const body: EnrollRequest = {
    token: options.token,
    agentId: options.config.agent.id,
    name: options.config.agent.name,
    publicKey,
  };
  const url = new URL("/api/agents/enroll", options.serverUrl).toString();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
  });
  const answer: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = ErrorBody.safeParse(answer);
    if (error.success) throw Object.assign(new Error(`${error.data.code}: ${error.data.message}`), { body: error.data });
    throw new Error(`${url} answered HTTP ${res.status}`);
  }
  const parsed = EnrollResponse.safeParse(answer);
  if (!parsed.success) throw new TelecalError("TC_ERR_VALIDATION", { what: "enrolment answer", issues: parsed.error.message });
  saveDeviceKey(options.dataDir, privateKey);
  const credential = { agentId: parsed.data.agentId, credential: parsed.data.credential };
  saveCredential(options.dataDir, credential);
  return credential;
}
