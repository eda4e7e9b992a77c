import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUsers, TEST_PASSWORD } from "../../fakes/auth";

describe("login rate limit: 10 a minute per IP and per username", () => {
  let server: TelecalServer;
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null });
    await seedUsers(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  const attempt = (username: string, remoteAddress: string, password = "wrong") =>
    server.app.inject({ method: "POST", url: "/api/auth/login", remoteAddress, payload: { username, password } });

  it("limits one username tried from many addresses, even with the right password after", async () => {
    for (let i = 0; i < 10; i++) expect((await attempt("trainee", `10.0.0.${i + 1}`)).json().code).toBe("TC_ERR_AUTH_BAD_PASSWORD");
    const limited = await attempt("trainee", "10.0.1.1", TEST_PASSWORD);
    expect([limited.statusCode, limited.json().code]).toEqual([429, "TC_ERR_AUTH_RATE_LIMITED"]);
    expect((await attempt("trainer", "10.0.1.1", TEST_PASSWORD)).statusCode).toBe(200);
  });

  it("limits one address trying many usernames", async () => {
    for (let i = 0; i < 10; i++) expect((await attempt(`user${i}`, "10.9.9.9")).statusCode).toBe(401);
    const limited = await attempt("expert", "10.9.9.9", TEST_PASSWORD);
    expect([limited.statusCode, limited.json().code]).toEqual([429, "TC_ERR_AUTH_RATE_LIMITED"]);
    expect((await attempt("expert", "10.9.9.10", TEST_PASSWORD)).statusCode).toBe(200);
  });
});
