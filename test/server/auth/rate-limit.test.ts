import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUsers, TEST_PASSWORD } from "../../fakes/auth";

const SLOWDOWN_MS = 400;

describe("sign-in limits: failures only, per (username, address) and per address; a username is slowed, not locked", () => {
  let server: TelecalServer;
  beforeAll(async () => {
    server = await startServer({
      host: "127.0.0.1",
      port: 0,
      logger: false,
      webRoot: null,
      auth: { loginLimit: { max: 10, windowMs: 60_000, maxPerAddress: 30, slowdownMs: SLOWDOWN_MS } },
      trustProxy: ["10.255.0.1"],
    });
    await seedUsers(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  const attempt = (username: string, remoteAddress: string, password = "wrong", headers: Record<string, string> = {}) =>
    server.app.inject({ method: "POST", url: "/api/auth/login", remoteAddress, headers, payload: { username, password } });
  const codeOf = async (p: ReturnType<typeof attempt>) => {
    const res = await p;
    return res.statusCode === 200 ? 200 : res.json<{ code: string }>().code;
  };

  it("does not count successful sign-ins", async () => {
    for (let i = 0; i < 25; i++) expect(await codeOf(attempt("admin", "10.1.1.1", TEST_PASSWORD))).toBe(200);
  });

  it("locks the pair after 10 failures; the real user from elsewhere signs in, only slowed", async () => {
    for (let i = 0; i < 10; i++) expect(await codeOf(attempt("trainee", "10.0.0.1"))).toBe("TC_ERR_AUTH_BAD_PASSWORD");
    const limited = await attempt("trainee", "10.0.0.1", TEST_PASSWORD);
    expect([limited.statusCode, limited.json<{ code: string }>().code]).toEqual([429, "TC_ERR_AUTH_RATE_LIMITED"]);
    // Only a lower bound on time: a loaded machine can make it slower, never faster.
    const start = performance.now();
    expect(await codeOf(attempt("trainee", "10.0.0.2", TEST_PASSWORD))).toBe(200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(SLOWDOWN_MS - 5);
  });

  it("a username tried from many addresses is never locked", async () => {
    for (let i = 0; i < 12; i++) expect(await codeOf(attempt("trainer", `10.2.0.${i + 1}`))).toBe("TC_ERR_AUTH_BAD_PASSWORD");
    expect(await codeOf(attempt("trainer", "10.2.1.1", TEST_PASSWORD))).toBe(200);
  });

  it("locks an address after 30 failures over any usernames; other addresses go on", async () => {
    for (let i = 0; i < 30; i++) expect(await codeOf(attempt(`nobody${i}`, "10.9.9.9"))).toBe("TC_ERR_AUTH_BAD_PASSWORD");
    expect(await codeOf(attempt("expert", "10.9.9.9", TEST_PASSWORD))).toBe("TC_ERR_AUTH_RATE_LIMITED");
    expect(await codeOf(attempt("expert", "10.9.9.10", TEST_PASSWORD))).toBe(200);
  });

  it("behind a trusted proxy, counts the client's address from X-Forwarded-For", async () => {
    const via = (client: string) => ({ "x-forwarded-for": client });
    for (let i = 0; i < 10; i++) expect(await codeOf(attempt("technician", "10.255.0.1", "wrong", via("192.0.2.7")))).toBe("TC_ERR_AUTH_BAD_PASSWORD");
    expect(await codeOf(attempt("technician", "10.255.0.1", TEST_PASSWORD, via("192.0.2.7")))).toBe("TC_ERR_AUTH_RATE_LIMITED");
    expect(await codeOf(attempt("technician", "10.255.0.1", TEST_PASSWORD, via("192.0.2.8")))).toBe(200);
    // An untrusted peer's X-Forwarded-For is ignored: its own address counts.
    for (let i = 0; i < 10; i++) await attempt("expert", "10.3.3.3", "wrong", via(`192.0.2.${100 + i}`));
    expect(await codeOf(attempt("expert", "10.3.3.3", TEST_PASSWORD, via("192.0.2.200")))).toBe("TC_ERR_AUTH_RATE_LIMITED");
  });

  it("a malformed cookie is no session (401), not a server error", async () => {
    const res = await server.app.inject({ method: "GET", url: "/api/auth/me", headers: { cookie: "telecal_session=%E0%A4%A" } });
    expect([res.statusCode, res.json<{ code: string }>().code]).toEqual([401, "TC_ERR_AUTH_REQUIRED"]);
  });
});
