import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { type AgentCredential } from "@telecal/agent";
import { batchSigningBytes, type ReadingBatch, type Role, ROLES } from "@telecal/protocols";
import type { TelecalServer } from "@telecal/server";

/** Password of every user `seedUsers` creates. */
export const TEST_PASSWORD = "test-password-1";

/** One user per role in organisation `org-a` (username = role), and an admin of `org-b`. */
export async function seedUsers(server: TelecalServer): Promise<void> {
  await server.store.auth.createOrganisation("org-a", "甲县计量站 County A", "county-station");
  await server.store.auth.createOrganisation("org-b", "乙市计量站 City B", "city-station");
  for (const role of ROLES) {
    await server.store.auth.createUser({ organisationId: "org-a", username: role, displayName: role, role, password: TEST_PASSWORD });
  }
  await server.store.auth.createUser({ organisationId: "org-b", username: "admin-b", displayName: "admin b", role: "admin", password: TEST_PASSWORD });
}

/** Signs in through the real route and answers the bearer token. */
export async function login(server: TelecalServer, username: string, password = TEST_PASSWORD): Promise<string> {
  const res = await server.app.inject({ method: "POST", url: "/api/auth/login", payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: HTTP ${res.statusCode} ${res.body}`);
  return res.json<{ token: string }>().token;
}

/** Tokens of every seeded role, by role, plus `admin-b`. */
export async function loginAll(server: TelecalServer): Promise<Record<Role | "admin-b", string>> {
  const tokens: Partial<Record<Role | "admin-b", string>> = {};
  for (const who of [...ROLES, "admin-b" as const]) tokens[who] = await login(server, who);
  return tokens as Record<Role | "admin-b", string>;
}

/** An agent enrolled through the store: its socket credential and its Ed25519 device key. */
export interface EnrolledAgent {
  auth: AgentCredential;
  deviceKey: KeyObject;
}

/**
 * Enrols an agent directly through the store with a fresh device key (public key registered), as
 * `telecal start` does for its demo agent.
 */
export async function enrolAgent(server: TelecalServer, agentId: string, organisationId = "org-a"): Promise<EnrolledAgent> {
  await server.store.auth.createOrganisation(organisationId, organisationId, "county-station");
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const credential = await server.store.auth.issueAgentCredential(agentId, agentId, organisationId, pem);
  return { auth: { agentId, credential }, deviceKey: privateKey };
}

/** The batch with its signature by `key`, as the agent's uplink sends it. */
export function signBatch(batch: ReadingBatch, key: KeyObject): ReadingBatch {
  const { signature: _old, ...unsigned } = batch;
  void _old;
  return { ...unsigned, signature: sign(null, batchSigningBytes(unsigned), key).toString("base64") };
}
