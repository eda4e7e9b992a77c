import { request } from "node:http";
import { NAMESPACE } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers } from "../fakes/auth";

/**
 * Issue 22, finding 5: Host was not checked; a socket with Host and Origin `rebind.attacker.example`
 * connected (the DNS-rebinding shape: a page of the attacker's name, resolved to this server).
 */
const ATTACKER = "rebind.attacker.example";

describe("issue 22: a Host this server does not serve is refused on HTTP and socket handshakes", () => {
  let server: TelecalServer;
  let token: string;
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, publicUrl: "https://cal.example-institute.cn" });
    await seedUsers(server);
    token = await login(server, "expert");
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A GET over a real socket with the Host header given. */
  function get(path: string, host: string): Promise<{ status: number; code?: string }> {
    const { port } = new URL(server.url);
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, headers: { host, authorization: `Bearer ${token}` } }, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(body) as { code?: string }).code }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  function connect(host: string, origin: string): Promise<string> {
    const socket = io(`${server.url}${NAMESPACE.ui}`, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { token }, extraHeaders: { host, origin } });
    return new Promise<string>((resolve) => {
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", (err: Error & { data?: { code?: string } }) => resolve(err.data?.code ?? err.message));
    }).finally(() => socket.close());
  }

  it("HTTP: 421 TC_ERR_HOST_NOT_ALLOWED for the rebinding name, the public name and local names answered", async () => {
    const { port } = new URL(server.url);
    expect(await get("/api/auth/me", `${ATTACKER}:${port}`)).toEqual({ status: 421, code: "TC_ERR_HOST_NOT_ALLOWED" });
    // Public routes too: the check comes before any route.
    expect(await get("/api/health", ATTACKER)).toEqual({ status: 421, code: "TC_ERR_HOST_NOT_ALLOWED" });
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "cal.example-institute.cn"]) {
      expect((await get("/api/auth/me", host)).status).toBe(200);
    }
  });

  it("socket: the rebinding Host and Origin are refused TC_ERR_HOST_NOT_ALLOWED; the server's own are admitted", async () => {
    const { port } = new URL(server.url);
    expect(await connect(`${ATTACKER}:${port}`, `http://${ATTACKER}:${port}`)).toBe("TC_ERR_HOST_NOT_ALLOWED");
    expect(await connect(`127.0.0.1:${port}`, `http://127.0.0.1:${port}`)).toBe("connected");
    expect(await connect("cal.example-institute.cn", "https://cal.example-institute.cn")).toBe("connected");
  });
});

describe("issue 22: --allowed-hosts replaces the default list", () => {
  let server: TelecalServer;
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, allowedHosts: ["cal.example-institute.cn"] });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers only the listed name", async () => {
    const status = async (host: string) => (await server.app.inject({ method: "GET", url: "/api/health", headers: { host } })).statusCode;
    expect(await status("cal.example-institute.cn")).toBe(200);
    expect(await status("localhost")).toBe(421);
    expect(await status(ATTACKER)).toBe(421);
  });
});
