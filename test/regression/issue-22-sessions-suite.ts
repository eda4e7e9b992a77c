import { scryptSync } from "node:crypto";
import { startServer, type ServerOptions, type TelecalServer } from "@telecal/server";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers, TEST_PASSWORD } from "../fakes/auth";

/**
 * Issue 22, finding 6: the session cookie was never Secure behind TLS; scrypt N = 2^14; sessions
 * lasted 12 h with no idle timeout; no API to change a password, disable a user or revoke sessions.
 */
export function sessionsSuite(name: string, database: () => Promise<Partial<ServerOptions>>, cleanup: () => Promise<void>): void {
  describe(`issue 22: cookies, password hashes and sessions on ${name}`, () => {
    let server: TelecalServer;
    // The default cost, not the suite's cheaper one (vitest.config.ts).
    const suiteLogN = process.env["TELECAL_SCRYPT_LOG_N"];
    beforeAll(async () => {
      delete process.env["TELECAL_SCRYPT_LOG_N"];
      server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, trustProxy: ["127.0.0.1"], auth: { loginLimit: { max: 1000, windowMs: 60_000 } }, ...(await database()) });
      await seedUsers(server);
    });
    afterAll(async () => {
      if (suiteLogN !== undefined) process.env["TELECAL_SCRYPT_LOG_N"] = suiteLogN;
      await server?.close();
      await cleanup();
    });

    const call = (token: string | null, method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: object) =>
      server.app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload ? { payload } : {}) });
    const codeOf = async (p: ReturnType<typeof call>) => {
      const res = await p;
      return [res.statusCode, res.statusCode === 200 ? "ok" : res.json<{ code: string }>().code];
    };
    const idOf = async (username: string) => (await server.store.auth.userByUsername(username))!.id;
    const hashOf = async (username: string) =>
      (await server.store.db.selectFrom("users").select("password_hash").where("username", "=", username).executeTakeFirstOrThrow()).password_hash;

    it("sets the cookie Secure when a trusted proxy says the request came over TLS, and not otherwise", async () => {
      const signIn = (headers: Record<string, string>) =>
        fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ username: "expert", password: TEST_PASSWORD }) });
      const tls = await signIn({ "x-forwarded-proto": "https", "x-forwarded-for": "198.51.100.7" });
      expect(tls.status).toBe(200);
      expect(tls.headers.get("set-cookie")).toMatch(/; Secure(;|$)/);
      expect(tls.headers.get("set-cookie")).toMatch(/HttpOnly/);
      const plain = await signIn({});
      expect(plain.headers.get("set-cookie")).not.toMatch(/Secure/);
    });

    it("hashes new passwords with scrypt N = 2^17, and rehashes an old N = 2^14 hash at the next sign-in", async () => {
      expect(await hashOf("trainer")).toMatch(/^scrypt\$131072\$8\$1\$/);
      const salt = Buffer.alloc(16, 7);
      const old = ["scrypt", 16384, 8, 1, salt.toString("base64"), scryptSync(TEST_PASSWORD.normalize("NFKC"), salt, 32, { N: 16384, r: 8, p: 1 }).toString("base64")].join("$");
      await server.store.db.updateTable("users").set({ password_hash: old }).where("username", "=", "trainer").execute();
      await login(server, "trainer");
      expect(await hashOf("trainer")).toMatch(/^scrypt\$131072\$8\$1\$/);
      await login(server, "trainer");
    });

    it("ends a session idle longer than the timeout (TC_ERR_AUTH_IDLE), then refuses its token", async () => {
      const token = await login(server, "technician");
      expect(await codeOf(call(token, "GET", "/api/auth/me"))).toEqual([200, "ok"]);
      // 31 minutes ago, past the default idle timeout of 30.
      await sql`update sessions set last_used_at = ${Date.now() - 31 * 60_000}`.execute(server.store.db);
      expect(await codeOf(call(token, "GET", "/api/auth/me"))).toEqual([401, "TC_ERR_AUTH_IDLE"]);
      expect(await codeOf(call(token, "GET", "/api/auth/me"))).toEqual([401, "TC_ERR_AUTH_INVALID_TOKEN"]);
    });

    it("an admin disables a user: sessions end at once, sign-in refused; enabled again, sign-in works", async () => {
      const admin = await login(server, "admin");
      const trainee = await login(server, "trainee");
      const id = await idOf("trainee");
      const res = await call(admin, "POST", `/api/users/${id}/disable`);
      expect(res.json()).toEqual({ ok: true, sessionsEnded: 1 });
      expect(await codeOf(call(trainee, "GET", "/api/auth/me"))).toEqual([401, "TC_ERR_AUTH_INVALID_TOKEN"]);
      const refused = await server.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "trainee", password: TEST_PASSWORD } });
      expect([refused.statusCode, refused.json<{ code: string }>().code]).toEqual([403, "TC_ERR_AUTH_USER_DISABLED"]);
      // A wrong password says only that: a stranger learns nothing of the account.
      const wrong = await server.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "trainee", password: "not-it-at-all" } });
      expect(wrong.json<{ code: string }>().code).toBe("TC_ERR_AUTH_BAD_PASSWORD");
      expect(await codeOf(call(admin, "POST", `/api/users/${id}/enable`))).toEqual([200, "ok"]);
      await login(server, "trainee");
    });

    it("an admin sets a password (old one refused, sessions ended) and ends a user's sessions", async () => {
      const admin = await login(server, "admin");
      const before = await login(server, "expert");
      const id = await idOf("expert");
      expect(await codeOf(call(admin, "PUT", `/api/users/${id}/password`, { password: "a-new-long-password" }))).toEqual([200, "ok"]);
      expect(await codeOf(call(before, "GET", "/api/auth/me"))).toEqual([401, "TC_ERR_AUTH_INVALID_TOKEN"]);
      await expect(login(server, "expert")).rejects.toThrow(/401/);
      const after = await login(server, "expert", "a-new-long-password");
      const ended = await call(admin, "DELETE", `/api/users/${id}/sessions`);
      expect(ended.json<{ sessionsEnded: number }>().sessionsEnded).toBeGreaterThanOrEqual(1);
      expect(await codeOf(call(after, "GET", "/api/auth/me"))).toEqual([401, "TC_ERR_AUTH_INVALID_TOKEN"]);
    });

    it("issue 22 finding 7: a store failure during sign-in answers 503 TC_ERR_STORE_FAILED, not a 500", async () => {
      await sql`alter table sessions rename to sessions_away`.execute(server.store.db);
      try {
        const res = await server.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "trainer", password: TEST_PASSWORD } });
        expect([res.statusCode, res.json<{ code: string }>().code]).toEqual([503, "TC_ERR_STORE_FAILED"]);
      } finally {
        await sql`alter table sessions_away rename to sessions`.execute(server.store.db);
      }
      await login(server, "trainer");
    });

    it("only an admin of the user's own organisation may: others get 403 or 404 with a code", async () => {
      const id = await idOf("trainee");
      const expert = await login(server, "technician");
      expect(await codeOf(call(expert, "POST", `/api/users/${id}/disable`))).toEqual([403, "TC_ERR_AUTH_FORBIDDEN"]);
      const adminB = await login(server, "admin-b");
      expect(await codeOf(call(adminB, "POST", `/api/users/${id}/disable`))).toEqual([404, "TC_ERR_AUTH_USER_NOT_FOUND"]);
      expect(await codeOf(call(adminB, "PUT", `/api/users/${id}/password`, { password: "x" }))).toEqual([400, "TC_ERR_VALIDATION"]);
      expect(await codeOf(call(null, "DELETE", `/api/users/${id}/sessions`))).toEqual([401, "TC_ERR_AUTH_REQUIRED"]);
      // The trainee was not touched by any of those.
      await login(server, "trainee");
    });
  });
}
