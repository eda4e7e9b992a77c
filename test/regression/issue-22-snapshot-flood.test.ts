import { NAMESPACE } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers } from "../fakes/auth";
import { healthLatencies, latencyBound } from "./health-latency";

/**
 * Issue 22, finding 2: a trainee asking `/ui` `snapshot` 200 times pulled 48 MB and delayed
 * /api/health 4.8 s. Every /ui event now counts against its socket's budget, snapshots more so.
 */
describe("issue 22: a socket flooding snapshot requests is refused, and the server stays responsive", () => {
  let server: TelecalServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null });
    await seedUsers(server);
    await fetch(`${server.url}/api/health`);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.close();
  });

  async function trainee(): Promise<Socket> {
    const token = await login(server, "trainee");
    const socket = io(`${server.url}${NAMESPACE.ui}`, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { token } });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
    return socket;
  }

  const ask = (socket: Socket) => socket.timeout(30_000).emitWithAck("snapshot") as Promise<{ ok: boolean; error?: { code: string } }>;

  it("answers the first 10 snapshots of the window, refuses the rest TC_ERR_SOCKET_RATE_LIMITED; /api/health unaffected", async () => {
    const socket = await trainee();
    const flood = Promise.all(Array.from({ length: 200 }, () => ask(socket)));
    const { result, samples } = await healthLatencies(server.url, flood);
    expect(result.filter((r) => r.ok)).toHaveLength(10);
    const refused = result.filter((r) => !r.ok);
    expect(refused).toHaveLength(190);
    expect(new Set(refused.map((r) => r.error?.code))).toEqual(new Set(["TC_ERR_SOCKET_RATE_LIMITED"]));
    expect(samples.length).toBeGreaterThan(0);
    const bound = latencyBound(samples);
    expect(bound.slowOver100ms).toBeLessThanOrEqual(bound.allowedSlow);
    expect(bound.worst).toBeLessThan(1000);
    // The budget is the socket's: another socket of the same trainee is answered.
    expect((await ask(await trainee())).ok).toBe(true);
  });

  it("counts every event against the socket, not only snapshots", async () => {
    const socket = await trainee();
    const replies = await Promise.all(Array.from({ length: 250 }, () => socket.timeout(30_000).emitWithAck("session:leave", { jobId: "j-none" }) as Promise<{ ok: boolean; error?: { code: string } }>));
    const limited = replies.filter((r) => r.error?.code === "TC_ERR_SOCKET_RATE_LIMITED");
    expect(limited).toHaveLength(50);
  });
});
