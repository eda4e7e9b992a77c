import { TelecalError } from "@telecal/protocols";
import type { Store, TelecalServer } from "@telecal/server";
import { DEMO_ORGANISATION } from "./demo-lab";

/** The users `telecal start` makes in a new data dir, one per role, all with the README's password. */
export const DEMO_ROLES = ["admin", "expert", "technician", "trainer", "trainee"] as const;
export const DEMO_PASSWORD = "demo";
/** The demo course's trainees besides `trainee`: five accounts, so that five tabs are five people. */
export const DEMO_TRAINEES = ["trainee1", "trainee2", "trainee3", "trainee4", "trainee5"] as const;
/** Every demo username, each with the password `demo`. */
export const DEMO_USERNAMES: readonly string[] = [...DEMO_ROLES, ...DEMO_TRAINEES];

/** Demo users, each with password `demo`: only in a data dir created just now, never in a real one. */
export async function createDemoUsers(server: TelecalServer): Promise<void> {
  await server.store.auth.createOrganisation(DEMO_ORGANISATION.id, DEMO_ORGANISATION.name, DEMO_ORGANISATION.kind);
  for (const role of DEMO_ROLES) {
    await server.store.auth.createUser({ organisationId: DEMO_ORGANISATION.id, username: role, displayName: role, role, password: DEMO_PASSWORD });
  }
  for (const [i, username] of DEMO_TRAINEES.entries()) {
    await server.store.auth.createUser({ organisationId: DEMO_ORGANISATION.id, username, displayName: `学员${i + 1} trainee ${i + 1}`, role: "trainee", password: DEMO_PASSWORD });
  }
}

/**
 * Refuses to serve a data dir whose demo users still have the published password: `telecal server`
 * on a dir that `telecal start` made would let anyone who read the README sign in as admin. Checked
 * before the server listens, so that there is no moment in which they could.
 */
export async function refuseDemoPasswords(store: Store): Promise<void> {
  const still: string[] = [];
  for (const username of DEMO_USERNAMES) if (await store.auth.checkPassword(username, DEMO_PASSWORD)) still.push(username);
  if (still.length > 0) throw new TelecalError("TC_ERR_AUTH_DEMO_PASSWORD", { users: still.join(", ") });
}
