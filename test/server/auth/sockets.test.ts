import { type AgentHello, NAMESPACE, PROTOCOL_VERSION, ROLES } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { io, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { enrolAgent, login, loginAll, seedUsers } from "../../fakes/auth";
import { emitAck } from "../../fakes/acks";

const ALLOWED = "https://dev.example.org";

const hello = (agentId: string): AgentHello => ({ protocol: PROTOCOL_VERSION, agentId, name: agentId, software: "test", instruments: [] });

describe("socket authentication: /ui and /agent", () => {
  let server: TelecalServer;
  let tokens: Awaited<ReturnType<typeof loginAll>>;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = await startServer({
      host: "127.0.0.1",
      port: 0,
      logger: false,
      webRoot: null,
      auth: { allowedOrigins: [ALLOWED], loginLimit: { max: 1000, windowMs: 60_000 } },
    });
    await seedUsers(server);
    tokens = await loginAll(server);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await server?.close();
  });

  function open(nsp: string, options: { auth?: object; origin?: string; cookie?: string } = {}): Socket {
    const socket = io(`${server.url}${nsp}`, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      auth: options.auth ?? {},
      extraHeaders: { ...(options.origin ? { origin: options.origin } : {}), ...(options.cookie ? { cookie: options.cookie } : {}) },
    });
    sockets.push(socket);
    return socket;
  }

  /** "connected", or the registry code the server refused the connection with. */
  function outcome(socket: Socket): Promise<string> {
    return new Promise((resolve) => {
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", (err: Error & { data?: { code?: string } }) => resolve(err.data?.code ?? err.message));
    });
  }

  it("/: refuses every socket, with or without a session", async () => {
    expect(await outcome(open("/"))).toBe("TC_ERR_AUTH_REQUIRED");
    expect(await outcome(open("/", { auth: { token: tokens.admin } }))).toBe("TC_ERR_AUTH_REQUIRED");
  });

  it("/ui: refuses no session and an unknown token, admits every role, and answers snapshot per role", async () => {
    expect(await outcome(open(NAMESPACE.ui))).toBe("TC_ERR_AUTH_REQUIRED");
    expect(await outcome(open(NAMESPACE.ui, { auth: { token: "bogus" } }))).toBe("TC_ERR_AUTH_INVALID_TOKEN");
    // A malformed escape in the cookie is no session, not a server error.
    expect(await outcome(open(NAMESPACE.ui, { cookie: "telecal_session=%E0%A4%A" }))).toBe("TC_ERR_AUTH_REQUIRED");
    expect(await outcome(open(NAMESPACE.ui, { auth: { token: tokens.admin, extra: 1 } }))).toBe("TC_ERR_AUTH_REQUIRED");
    for (const who of [...ROLES, "admin-b"] as const) {
      const s = open(NAMESPACE.ui, { auth: { token: tokens[who] } });
      expect([who, await outcome(s)]).toEqual([who, "connected"]);
      // For now every viewer sees the agents of every organisation.
      expect((await emitAck(s, 5000, "snapshot")).ok).toBe(true);
    }
  });

  it("/ui: the session cookie authenticates a socket as it does a request", async () => {
    const res = await server.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "trainer", password: "test-password-1" } });
    const cookie = String(res.headers["set-cookie"]).split(";")[0]!;
    const s = io(`${server.url}${NAMESPACE.ui}`, { transports: ["websocket"], forceNew: true, reconnection: false, extraHeaders: { cookie } });
    sockets.push(s);
    expect(await outcome(s)).toBe("connected");
  });

  it("/ui: refuses a foreign Origin, admits the server's own and the configured ones", async () => {
    expect(await outcome(open(NAMESPACE.ui, { auth: { token: tokens.admin }, origin: "https://evil.example.com" }))).toBe("TC_ERR_AUTH_ORIGIN");
    expect(await outcome(open(NAMESPACE.ui, { auth: { token: tokens.admin }, origin: server.url.replace("localhost", "127.0.0.1") }))).toBe("connected");
    expect(await outcome(open(NAMESPACE.ui, { auth: { token: tokens.admin }, origin: ALLOWED }))).toBe("connected");
  });

  it("/ui: logout ends the session's connected sockets at once, with the code", async () => {
    const token = await login(server, "technician");
    const s = open(NAMESPACE.ui, { auth: { token } });
    expect(await outcome(s)).toBe("connected");
    const problem = new Promise<{ code: string }>((resolve) => s.once("problem", resolve));
    const gone = new Promise<string>((resolve) => s.once("disconnect", resolve));
    const out = await server.app.inject({ method: "POST", url: "/api/auth/logout", headers: { authorization: `Bearer ${token}` } });
    expect(out.statusCode).toBe(200);
    expect((await problem).code).toBe("TC_ERR_AUTH_INVALID_TOKEN");
    expect(await gone).toBe("io server disconnect");
  });

  it("/ui: every event is checked on its own: a session ended behind the socket's back is refused", async () => {
    const token = await login(server, "expert");
    const s = open(NAMESPACE.ui, { auth: { token } });
    expect(await outcome(s)).toBe("connected");
    const session = await server.store.auth.session(token);
    await server.store.auth.endSession(session.idHash);
    const reply = await s.timeout(5000).emitWithAck("snapshot");
    expect(reply).toMatchObject({ ok: false, error: { code: "TC_ERR_AUTH_INVALID_TOKEN" } });
  });

  it("/agent: refuses no credential, a wrong one, a user's token and a foreign Origin; a hello must name the enrolled agent", async () => {
    const cred = (await enrolAgent(server, "lab-sock")).auth;
    expect(await outcome(open(NAMESPACE.agent))).toBe("TC_ERR_AUTH_REQUIRED");
    expect(await outcome(open(NAMESPACE.agent, { auth: { agentId: "lab-sock", credential: "wrong" } }))).toBe("TC_ERR_AUTH_AGENT_CREDENTIAL");
    expect(await outcome(open(NAMESPACE.agent, { auth: { agentId: "lab-nobody", credential: cred.credential } }))).toBe("TC_ERR_AUTH_AGENT_CREDENTIAL");
    expect(await outcome(open(NAMESPACE.agent, { auth: { token: tokens.admin } }))).toBe("TC_ERR_AUTH_AGENT_CREDENTIAL");
    expect(await outcome(open(NAMESPACE.agent, { auth: cred, origin: "https://evil.example.com" }))).toBe("TC_ERR_AUTH_ORIGIN");

    const s = open(NAMESPACE.agent, { auth: cred });
    expect(await outcome(s)).toBe("connected");
    expect(await s.timeout(5000).emitWithAck("hello", hello("lab-other"))).toMatchObject({ ok: false, error: { code: "TC_ERR_AUTH_AGENT_MISMATCH" } });
    expect(server.hub.summaries().some((a) => a.agentId === "lab-other")).toBe(false);
    expect(await s.timeout(5000).emitWithAck("hello", hello("lab-sock"))).toMatchObject({ ok: true, agentId: "lab-sock" });
  });
});

describe("session expiry", () => {
  let server: TelecalServer;
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, auth: { sessionTtlMs: 1500 } });
    await seedUsers(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("disconnects a socket when its session expires, and the token is then refused as expired", async () => {
    const token = await login(server, "trainee");
    const s = io(`${server.url}${NAMESPACE.ui}`, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { token } });
    try {
      await new Promise<void>((resolve) => s.once("connect", () => resolve()));
      const problem = await new Promise<{ code: string }>((resolve) => s.once("problem", resolve));
      expect(problem.code).toBe("TC_ERR_AUTH_EXPIRED");
      const me = await server.app.inject({ method: "GET", url: "/api/auth/me", headers: { authorization: `Bearer ${token}` } });
      expect([me.statusCode, me.json<{ code: string }>().code]).toEqual([401, "TC_ERR_AUTH_EXPIRED"]);
    } finally {
      s.close();
    }
  });
});
