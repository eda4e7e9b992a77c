import { generateKeyPairSync } from "node:crypto";
import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers } from "../../fakes/auth";

const publicKey = () => generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();

describe("agent enrolment tokens", () => {
  let server: TelecalServer;
  let admin: string;
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null });
    await seedUsers(server);
    admin = await login(server, "admin");
  });
  afterAll(async () => {
    await server?.close();
  });

  const newToken = async () =>
    (await server.app.inject({ method: "POST", url: "/api/agents/enrolment-tokens", headers: { authorization: `Bearer ${admin}` }, payload: {} })).json<{ token: string }>().token;
  const enroll = (payload: object) => server.app.inject({ method: "POST", url: "/api/agents/enroll", payload });

  it("works once: the second use is refused and the first agent keeps its credential", async () => {
    const token = await newToken();
    const key = publicKey();
    const first = await enroll({ token, agentId: "lab-once", name: "Once", publicKey: key });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ agentId: "lab-once", organisationId: "org-a", credential: expect.any(String) });
    expect(await server.store.agents.publicKey("lab-once")).toBe(key);
    expect(await server.store.auth.checkAgentCredential("lab-once", first.json<{ credential: string }>().credential)).toBe(true);

    const second = await enroll({ token, agentId: "lab-twice", name: "Twice", publicKey: publicKey() });
    expect([second.statusCode, second.json<{ code: string }>().code]).toEqual([401, "TC_ERR_AUTH_ENROLMENT_TOKEN"]);
    expect(await server.store.agents.publicKey("lab-twice")).toBeNull();
  });

  it("refuses an unknown or expired token, a bad key, unknown fields, and an agent id already enrolled", async () => {
    expect((await enroll({ token: "made-up", agentId: "lab-x", name: "X", publicKey: publicKey() })).json<{ code: string }>().code).toBe("TC_ERR_AUTH_ENROLMENT_TOKEN");
    const user = (await server.store.auth.users("org-a")).find((u) => u.username === "admin")!;
    const expired = await server.store.auth.createEnrolmentToken("org-a", user.id, 1000, Date.now() - 5000);
    expect((await enroll({ token: expired.token, agentId: "lab-x", name: "X", publicKey: publicKey() })).json<{ code: string }>().code).toBe("TC_ERR_AUTH_ENROLMENT_TOKEN");

    const token = await newToken();
    const badKey = await enroll({ token, agentId: "lab-x", name: "X", publicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n" });
    expect([badKey.statusCode, badKey.json<{ code: string }>().code]).toEqual([400, "TC_ERR_VALIDATION"]);
    const extra = await enroll({ token, agentId: "lab-x", name: "X", publicKey: publicKey(), role: "admin" });
    expect([extra.statusCode, extra.json<{ code: string }>().code]).toEqual([400, "TC_ERR_VALIDATION"]);
    const taken = await enroll({ token, agentId: "lab-once", name: "Again", publicKey: publicKey() });
    expect([taken.statusCode, taken.json<{ code: string }>().code]).toEqual([409, "TC_ERR_AUTH_AGENT_EXISTS"]);
    // Refused in the same transaction: the token was not spent.
    expect((await enroll({ token, agentId: "lab-x", name: "X", publicKey: publicKey() })).statusCode).toBe(201);
  });

  it("refuses unknown fields in the token request", async () => {
    const res = await server.app.inject({ method: "POST", url: "/api/agents/enrolment-tokens", headers: { authorization: `Bearer ${admin}` }, payload: { ttlMinutes: 5, organisationId: "org-b" } });
    expect([res.statusCode, res.json<{ code: string }>().code]).toEqual([400, "TC_ERR_VALIDATION"]);
  });
});
