import { NAMESPACE } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers } from "../fakes/auth";
import { TestDatabases } from "../peers/postgres";

const databases = new TestDatabases();

/** On PostgreSQL, whose text cannot hold NUL: before, a lab named "a\0b" was a 500 and nothing said which field. */
describe("NUL (U+0000) in any input is a validation error naming the field, on PostgreSQL too", () => {
  let server: TelecalServer;
  let token: string;
  let socket: Socket | undefined;
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, databaseUrl: await databases.fresh() });
    await seedUsers(server);
    token = await login(server, "admin");
  });
  afterAll(async () => {
    socket?.close();
    await server?.close();
    await databases.dropAll();
  });

  it("REST: a body, a query or a path with NUL is 400 TC_ERR_VALIDATION and stores nothing", async () => {
    const headers = { authorization: `Bearer ${token}` };
    const body = await server.app.inject({ method: "POST", url: "/api/labs", headers, payload: { name: "电学室\u0000A", address: "x" } });
    expect([body.statusCode, body.json()]).toEqual([400, expect.objectContaining({ code: "TC_ERR_VALIDATION", message: expect.stringContaining("/name: NUL") })]);
    const labs = await server.app.inject({ method: "GET", url: "/api/labs", headers });
    expect(JSON.stringify(labs.json())).not.toContain("电学室");
    const path = await server.app.inject({ method: "GET", url: "/api/jobs/a%00b", headers });
    expect([path.statusCode, path.json<{ code: string }>().code]).toEqual([400, "TC_ERR_VALIDATION"]);
    const fine = await server.app.inject({ method: "POST", url: "/api/labs", headers, payload: { name: "电学室 B" } });
    expect(fine.statusCode).toBe(201);
  });

  it("sockets: an event with NUL anywhere in its arguments is refused through its ack", async () => {
    socket = io(`${server.url}${NAMESPACE.ui}`, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { token } });
    await new Promise<void>((resolve, reject) => {
      socket!.once("connect", resolve);
      socket!.once("connect_error", reject);
    });
    const reply = (await socket.timeout(30_000).emitWithAck("chat", { jobId: "j1", text: "hello\u0000" })) as { ok: boolean; error?: { code: string; message: string } };
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: "TC_ERR_VALIDATION", message: expect.stringContaining("/0/text: NUL") }) });
  });
});
