import { randomUUID } from "node:crypto";
import { type OrganisationKind, type Role, TelecalError, type UserInfo } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { Schema } from "../store/schema";
import { dummyHash, hashPassword, needsRehash, verifyPassword } from "./password";
import { newSecret, sameHash, secretHash } from "./secret";

export interface NewUser {
  organisationId: string;
  username: string;
  displayName: string;
  role: Role;
  password: string;
}

export interface SessionInfo {
  user: UserInfo;
  /** SHA-256 of the token: how live sockets are found when the session ends. */
  idHash: string;
  expiresAt: number;
  /** The last request or socket event of the session (updated at most once a minute). */
  lastUsedAt: number;
}

export interface AgentEnrolment {
  token: string;
  agentId: string;
  name: string;
  publicKey: string;
}

/** Organisations, users, sessions, enrolment tokens and agent credentials; secrets are kept only as hashes. */
export class AuthRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** `parentId`: the organisation that supervises this one; its users may read this one's registry. */
  async createOrganisation(id: string, name: string, kind: OrganisationKind, parentId: string | null = null): Promise<void> {
    await this.db
      .insertInto("organisations")
      .values({ id, name, kind, parent_id: parentId })
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
  }

  async createUser(u: NewUser, now = Date.now()): Promise<UserInfo> {
    const existing = await this.db.selectFrom("users").select("id").where("username", "=", u.username).executeTakeFirst();
    if (existing) throw new TelecalError("TC_ERR_AUTH_USER_EXISTS", { username: u.username });
    const id = randomUUID();
    await this.db
      .insertInto("users")
      .values({
        id,
        organisation_id: u.organisationId,
        username: u.username,
        display_name: u.displayName,
        role: u.role,
        password_hash: await hashPassword(u.password),
        created_at: now,
        disabled_at: null,
      })
      .execute();
    return (await this.user(id))!;
  }

  async userCount(): Promise<number> {
    const row = await this.db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async user(id: string): Promise<UserInfo | undefined> {
    const rows = await this.userQuery().where("users.id", "=", id).execute();
    return rows.map(toUserInfo)[0];
  }

  async userByUsername(username: string): Promise<UserInfo | undefined> {
    const rows = await this.userQuery().where("users.username", "=", username).execute();
    return rows.map(toUserInfo)[0];
  }

  async users(organisationId: string): Promise<UserInfo[]> {
    const rows = await this.userQuery().where("users.organisation_id", "=", organisationId).orderBy("users.username").execute();
    return rows.map(toUserInfo);
  }

  /** The user whose password this is, or undefined; takes as long for an unknown user as for a known one. */
  async checkPassword(username: string, password: string): Promise<UserInfo | undefined> {
    const row = await this.db.selectFrom("users").select(["id", "password_hash", "disabled_at"]).where("username", "=", username).executeTakeFirst();
    const ok = await verifyPassword(password, row?.password_hash ?? dummyHash());
    if (!ok || !row) return undefined;
    // Said only to whoever knows the password: a stranger cannot learn that the account exists.
    if (row.disabled_at !== null) throw new TelecalError("TC_ERR_AUTH_USER_DISABLED", { username });
    // An older, weaker hash is replaced now, while the password is at hand; only if it is unchanged.
    if (needsRehash(row.password_hash)) {
      await this.db.updateTable("users").set({ password_hash: await hashPassword(password) }).where("id", "=", row.id).where("password_hash", "=", row.password_hash).execute();
    }
    return this.user(row.id);
  }

  /**
   * Sets a user's password and ends their sessions (whoever knew the old one is signed out); answers
   * false for an unknown user.
   */
  async setPassword(username: string, password: string): Promise<boolean> {
    const row = await this.db.selectFrom("users").select("id").where("username", "=", username).executeTakeFirst();
    return row !== undefined && (await this.changeUser(row.id, { password })) !== undefined;
  }

  /** The organisation of a user, or undefined if there is no such user. */
  async organisationOf(userId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom("users").select("organisation_id").where("id", "=", userId).executeTakeFirst();
    return row?.organisation_id;
  }

  /**
   * Changes a user's password and/or disabled state, and ends all their sessions in the same
   * transaction; answers the ended sessions' hashes (their sockets end too), undefined if no user.
   */
  async changeUser(userId: string, change: { password?: string; disabled?: boolean }, now = Date.now()): Promise<string[] | undefined> {
    const hash = change.password === undefined ? undefined : await hashPassword(change.password);
    return this.db.transaction().execute(async (tx) => {
      const set = { ...(hash === undefined ? {} : { password_hash: hash }), ...(change.disabled === undefined ? {} : { disabled_at: change.disabled ? now : null }) };
      const found =
        Object.keys(set).length === 0
          ? (await tx.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst()) !== undefined
          : Number((await tx.updateTable("users").set(set).where("id", "=", userId).executeTakeFirst()).numUpdatedRows) > 0;
      if (!found) return undefined;
      const ended = await tx.deleteFrom("sessions").where("user_id", "=", userId).returning("id_hash").execute();
      return ended.map((r) => r.id_hash);
    });
  }

  async createSession(userId: string, ttlMs: number, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
    const token = newSecret();
    const expiresAt = now + ttlMs;
    await this.db.insertInto("sessions").values({ id_hash: secretHash(token), user_id: userId, created_at: now, expires_at: expiresAt, last_used_at: now }).execute();
    return { token, expiresAt };
  }

  /** The session of a token; TC_ERR_AUTH_INVALID_TOKEN if none, TC_ERR_AUTH_EXPIRED (and removed) if past. */
  async session(token: string, now = Date.now()): Promise<SessionInfo> {
    const idHash = secretHash(token);
    const row = await this.db.selectFrom("sessions").selectAll().where("id_hash", "=", idHash).executeTakeFirst();
    if (!row) throw new TelecalError("TC_ERR_AUTH_INVALID_TOKEN");
    if (row.expires_at <= now) {
      throw new TelecalError("TC_ERR_AUTH_EXPIRED", { expiredAt: new Date(row.expires_at).toISOString() });
    }
    const user = await this.user(row.user_id);
    if (!user) throw new TelecalError("TC_ERR_AUTH_INVALID_TOKEN");
    return { user, idHash, expiresAt: row.expires_at, lastUsedAt: Number(row.last_used_at ?? row.created_at) };
  }

  /** Notes a session's use, for the idle timeout. */
  async touchSession(idHash: string, now = Date.now()): Promise<void> {
    await this.db.updateTable("sessions").set({ last_used_at: now }).where("id_hash", "=", idHash).execute();
  }

  /** Removes sessions that expired before `before`. */
  async sweepSessions(before: number): Promise<void> {
    await this.db.deleteFrom("sessions").where("expires_at", "<", before).execute();
  }

  async endSession(idHash: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
  }

  async createEnrolmentToken(organisationId: string, createdBy: string, ttlMs: number, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
    const token = newSecret();
    const expiresAt = now + ttlMs;
    await this.db
      .insertInto("enrolment_tokens")
      .values({ token_hash: secretHash(token), organisation_id: organisationId, created_by: createdBy, created_at: now, expires_at: expiresAt, used_at: null, used_by_agent: null })
      .execute();
    return { token, expiresAt };
  }

  /**
   * Spends an enrolment token (once: the update only matches an unused, unexpired token) and
   * records the agent with its public key and the hash of a new credential, all in one transaction.
   */
  async enrol(e: AgentEnrolment, now = Date.now()): Promise<{ credential: string; organisationId: string }> {
    return this.db.transaction().execute(async (trx) => {
      const spent = await trx
        .updateTable("enrolment_tokens")
        .set({ used_at: now, used_by_agent: e.agentId })
        .where("token_hash", "=", secretHash(e.token))
        .where("used_at", "is", null)
        .where("expires_at", ">", now)
        .returning("organisation_id")
        .executeTakeFirst();
      if (!spent) throw new TelecalError("TC_ERR_AUTH_ENROLMENT_TOKEN");
      const agent = await trx.selectFrom("agents").select("credential_hash").where("id", "=", e.agentId).executeTakeFirst();
      if (agent?.credential_hash) throw new TelecalError("TC_ERR_AUTH_AGENT_EXISTS", { agentId: e.agentId });
      const credential = await new AuthRepository(trx).issueAgentCredential(e.agentId, e.name, spent.organisation_id, e.publicKey, now);
      return { credential, organisationId: spent.organisation_id };
    });
  }

  /** Gives an agent a new credential (replacing any), for enrolment and for the in-process demo agent. */
  async issueAgentCredential(agentId: string, name: string, organisationId: string, publicKey: string | null, now = Date.now()): Promise<string> {
    const credential = newSecret();
    const enrolled = { organisation_id: organisationId, public_key: publicKey, credential_hash: secretHash(credential), enrolled_at: now };
    await this.db
      .insertInto("agents")
      .values({ id: agentId, name, first_seen: now, last_seen: now, ...enrolled })
      .onConflict((oc) => oc.column("id").doUpdateSet(enrolled))
      .execute();
    if (publicKey !== null) await this.keepKey(agentId, publicKey, now);
    return credential;
  }

  /** A new device key closes the one before in the agent's key history (agent_keys) and opens its own. */
  private async keepKey(agentId: string, publicKey: string, now: number): Promise<void> {
    const current = await this.db.selectFrom("agent_keys").select("public_key").where("agent_id", "=", agentId).where("valid_to", "is", null).executeTakeFirst();
    if (current?.public_key === publicKey) return;
    await this.db.updateTable("agent_keys").set({ valid_to: now }).where("agent_id", "=", agentId).where("valid_to", "is", null).execute();
    await this.db
      .insertInto("agent_keys")
      .values({ agent_id: agentId, public_key: publicKey, valid_from: now, valid_to: null })
      .onConflict((oc) => oc.columns(["agent_id", "valid_from"]).doUpdateSet({ public_key: publicKey, valid_to: null }))
      .execute();
  }

  /** True when the agent is enrolled and this is its credential. */
  async checkAgentCredential(agentId: string, credential: string): Promise<boolean> {
    const row = await this.db.selectFrom("agents").select("credential_hash").where("id", "=", agentId).executeTakeFirst();
    return row?.credential_hash != null && sameHash(row.credential_hash, secretHash(credential));
  }

  private userQuery() {
    return this.db
      .selectFrom("users")
      .innerJoin("organisations", "organisations.id", "users.organisation_id")
      .select([
        "users.id as id",
        "users.username as username",
        "users.display_name as displayName",
        "users.role as role",
        "organisations.id as orgId",
        "organisations.name as orgName",
        "organisations.kind as orgKind",
      ]);
  }
}

function toUserInfo(r: { id: string; username: string; displayName: string; role: string; orgId: string; orgName: string; orgKind: string }): UserInfo {
  return {
    id: r.id,
    username: r.username,
    displayName: r.displayName,
    role: r.role as Role,
    organisation: { id: r.orgId, name: r.orgName, kind: r.orgKind as OrganisationKind },
  };
}
