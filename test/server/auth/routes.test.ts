import { generateKeyPairSync } from "node:crypto";
import { ROLES } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, loginAll, seedUsers, TEST_PASSWORD } from "../../fakes/auth";

type Who = "none" | (typeof ROLES)[number] | "admin-b";
const EVERYONE: Who[] = ["none", ...ROLES, "admin-b"];

describe("REST authentication and the authorisation matrix", () => {
  let server: TelecalServer;
  let tokens: Record<Exclude<Who, "none">, string>;
  beforeAll(async () => {
    // Every injected request comes from 127.0.0.1: the rate limit has its own test.
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, auth: { loginLimit: { max: 1000, windowMs: 60_000 } } });
    await seedUsers(server);
    tokens = await loginAll(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  const headers = (who: Who) => (who === "none" ? {} : { authorization: `Bearer ${tokens[who]}` });
  const call = (who: Who, method: "GET" | "POST", url: string, payload?: object) =>
    server.app.inject({ method, url, headers: headers(who), ...(payload ? { payload } : {}) });

  it("every /api route the server has refuses a request without a session, except the public ones", async () => {
    // Public by design: probes, the API document, sign-in, enrolment (its one-time token is the
    // authority), the record log's hash-only checkpoint and proofs (offline verification), and the
    // certificates' status, keys, files as issued and verification.
    const PUBLIC = new Set([
      "GET /api/health",
      "POST /api/auth/login",
      "POST /api/agents/enroll",
      "GET /api/records/checkpoint",
      "GET /api/records/{id}/proof",
      "GET /api/records/consistency",
      // A witness's countersigned checkpoints: hashes and signatures, for anyone to check a log against.
      "GET /api/witness/checkpoints",
      // Certificates: anyone holding one checks it (docs/certificates.md).
      "GET /api/certificates/{id}",
      "GET /api/certificates/keys",
      "GET /api/certificates/{id}/files/{file}",
      "GET /.well-known/telecal-keys.json",
      "POST /api/certificates/verify",
    ]);
    const doc = (await call("none", "GET", "/api/openapi.json")).json<{ paths: Record<string, Record<string, unknown>> }>();
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(expect.arrayContaining(["GET /api/auth/me", "POST /api/agents/enrolment-tokens", "GET /api/users"]));
    for (const route of routes.filter((r) => !PUBLIC.has(r))) {
      const [method, path] = route.split(" ") as ["GET" | "POST", string];
      const res = await call("none", method, path.replace(/\{[^}]+\}/g, "x"), method === "POST" ? {} : undefined);
      expect([route, res.statusCode, res.json<{ code: string }>().code]).toEqual([route, 401, "TC_ERR_AUTH_REQUIRED"]);
    }
  });

  it("keeps health and the OpenAPI document public", async () => {
    expect((await call("none", "GET", "/api/health")).statusCode).toBe(200);
    expect((await call("none", "GET", "/api/openapi.json")).statusCode).toBe(200);
  });

  it("login answers a token and sets an HttpOnly, SameSite=Lax cookie that authenticates too", async () => {
    const res = await server.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "expert", password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ token: expect.any(String) });
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/^telecal_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
    const me = await server.app.inject({ method: "GET", url: "/api/auth/me", headers: { cookie: cookie.split(";")[0]! } });
    expect(me.statusCode).toBe(200);
    expect(me.json<{ user: unknown }>().user).toMatchObject({ username: "expert", role: "expert", organisation: { id: "org-a" } });
  });

  it("refuses a wrong password and an unknown user with one code, and unknown fields", async () => {
    const wrong = await server.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "admin", password: "nope" } });
    expect([wrong.statusCode, wrong.json<{ code: string }>().code]).toEqual([401, "TC_ERR_AUTH_BAD_PASSWORD"]);
    const nobody = await server.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "nobody", password: "nope" } });
    expect([nobody.statusCode, nobody.json<{ code: string }>().code]).toEqual([401, "TC_ERR_AUTH_BAD_PASSWORD"]);
    const extra = await server.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "admin", password: TEST_PASSWORD, remember: true } });
    expect([extra.statusCode, extra.json<{ code: string }>().code]).toEqual([400, "TC_ERR_VALIDATION"]);
  });

  it("GET /api/auth/me: every role; no session or an unknown token is refused, each with its code", async () => {
    for (const who of EVERYONE) {
      const res = await call(who, "GET", "/api/auth/me");
      if (who === "none") expect([res.statusCode, res.json<{ code: string }>().code]).toEqual([401, "TC_ERR_AUTH_REQUIRED"]);
      else expect([who, res.statusCode, res.json<{ user: { username: string } }>().user.username]).toEqual([who, 200, who]);
    }
    const bogus = await server.app.inject({ method: "GET", url: "/api/auth/me", headers: { authorization: "Bearer not-a-token" } });
    expect([bogus.statusCode, bogus.json<{ code: string }>().code]).toEqual([401, "TC_ERR_AUTH_INVALID_TOKEN"]);
  });

  it("POST /api/agents/enrolment-tokens: admins only, each for the admin's own organisation", async () => {
    for (const who of EVERYONE) {
      const res = await call(who, "POST", "/api/agents/enrolment-tokens", {});
      const expected = who === "none" ? [401, "TC_ERR_AUTH_REQUIRED"] : who === "admin" || who === "admin-b" ? [201, undefined] : [403, "TC_ERR_AUTH_FORBIDDEN"];
      expect([who, res.statusCode, res.json<{ code: string }>().code]).toEqual([who, ...expected]);
    }
    const res = await call("admin-b", "POST", "/api/agents/enrolment-tokens", { ttlMinutes: 5 });
    const { token } = res.json<{ token: string }>();
    const enrolled = await call("none", "POST", "/api/agents/enroll", { token, agentId: "lab-of-b", name: "B", publicKey: publicKeyPem() });
    expect(enrolled.json()).toMatchObject({ agentId: "lab-of-b", organisationId: "org-b" });
  });

  it("GET and POST /api/users: admins only, and only their own organisation's users", async () => {
    for (const who of EVERYONE) {
      const res = await call(who, "GET", "/api/users");
      if (who === "none") expect(res.statusCode).toBe(401);
      else if (who === "admin") expect(res.json<{ users: { username: string }[] }>().users.map((u) => u.username).sort()).toEqual([...ROLES].sort());
      else if (who === "admin-b") expect(res.json<{ users: { username: string }[] }>().users.map((u) => u.username)).toEqual(["admin-b"]);
      else expect([who, res.statusCode, res.json<{ code: string }>().code]).toEqual([who, 403, "TC_ERR_AUTH_FORBIDDEN"]);
    }
    const body = { username: "newbie", displayName: "New", role: "trainee", password: "long-enough-1" };
    for (const who of ["none", "expert", "technician", "trainer", "trainee"] as const) {
      expect((await call(who, "POST", "/api/users", body)).statusCode).toBe(who === "none" ? 401 : 403);
    }
    const added = await call("admin-b", "POST", "/api/users", body);
    expect(added.statusCode).toBe(201);
    expect(added.json<{ organisation: { id: string } }>().organisation.id).toBe("org-b");
    const again = await call("admin", "POST", "/api/users", body);
    expect([again.statusCode, again.json<{ code: string }>().code]).toEqual([409, "TC_ERR_AUTH_USER_EXISTS"]);
    expect(await login(server, "newbie", "long-enough-1")).toEqual(expect.any(String));
  });

  it("POST /api/auth/logout: every role; the token is dead at once", async () => {
    expect((await call("none", "POST", "/api/auth/logout")).statusCode).toBe(401);
    for (const who of [...ROLES, "admin-b"] as const) {
      const token = await login(server, who);
      const out = await server.app.inject({ method: "POST", url: "/api/auth/logout", headers: { authorization: `Bearer ${token}` } });
      expect([who, out.statusCode]).toEqual([who, 200]);
      expect(String(out.headers["set-cookie"])).toContain("Max-Age=0");
      const me = await server.app.inject({ method: "GET", url: "/api/auth/me", headers: { authorization: `Bearer ${token}` } });
      expect([who, me.statusCode, me.json<{ code: string }>().code]).toEqual([who, 401, "TC_ERR_AUTH_INVALID_TOKEN"]);
    }
  });

  it("refuses an expired session with its own code", async () => {
    const user = (await server.store.auth.users("org-a")).find((u) => u.username === "trainer")!;
    const { token } = await server.store.auth.createSession(user.id, 1000, Date.now() - 5000);
    const me = await server.app.inject({ method: "GET", url: "/api/auth/me", headers: { authorization: `Bearer ${token}` } });
    expect([me.statusCode, me.json<{ code: string }>().code]).toEqual([401, "TC_ERR_AUTH_EXPIRED"]);
  });
});

function publicKeyPem(): string {
  return generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
}
