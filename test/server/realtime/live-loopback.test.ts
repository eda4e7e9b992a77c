import type { Socket as NetSocket } from "node:net";
import { Agent, AgentConfig, getSimDefinition, InstrumentSimulator, serveTcp, type SimServer, silentLogger } from "@telecal/agent";
import { type AgentHello, type AgentLiveValue, type LiveValue, NAMESPACE, PROTOCOL_VERSION } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolAgent, login, seedUsers } from "../../fakes/auth";
import { waitFor } from "../../fakes/bench";
import { dmmStreams } from "../../fakes/uplink-rig";
import { uiClient } from "../../fakes/stack";

/** Per stream, the time stamps of the values in the order they went by. */
type Seen = Map<string, number[]>;

function note(seen: Seen, values: readonly { streamId: string; t: number }[]): void {
  for (const v of values) {
    const list = seen.get(v.streamId) ?? [];
    list.push(v.t);
    seen.set(v.streamId, list);
  }
}

const total = (seen: Seen) => [...seen.values()].reduce((n, list) => n + list.length, 0);

/** The TCP socket under a socket.io-client websocket: pausing it stops reading, as a slow link does. */
function tcpOf(socket: Socket): NetSocket {
  const transport = socket.io.engine.transport as unknown as { ws?: { _socket?: NetSocket } };
  const tcp = transport.ws?._socket;
  if (!tcp) throw new Error("no TCP socket under the viewer's websocket transport");
  return tcp;
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

/**
 * The live path on loopback: a real agent reading simulated DMMs sends each tick in one message,
 * and a viewer that keeps up receives every value the agent sent; a viewer whose reads are paused
 * gets a bounded buffer on the server and, once it reads again, the newest value of every stream.
 */
describe("live values on loopback", () => {
  let server: TelecalServer;
  let token: string;
  const sims: SimServer[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // The slow-viewer test sends ticks as fast as it can: no drop at the agent's limit here
    // (agent-live-limit.test.ts tests that limit).
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, agentLivePerSecond: 1_000_000 });
    await seedUsers(server);
    token = await login(server, "technician");
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all(sims.map((s) => s.close()));
    await server?.close();
  });

  async function viewer(): Promise<Socket> {
    const socket = uiClient(server.url, token) as unknown as Socket;
    sockets.push(socket);
    await connected(socket);
    return socket;
  }

  it("a viewer that keeps up receives every live value the agent sent, one message per tick", async () => {
    const { auth: credential, deviceKey } = await enrolAgent(server, "lab-loop");
    for (let i = 0; i < 4; i++) sims.push(await serveTcp(new InstrumentSimulator(getSimDefinition("keysight-34465a")), "127.0.0.1", 0));
    // What reached the server on the wire, beside its own handler.
    const wire: Seen = new Map();
    let wireMessages = 0;
    server.io.of(NAMESPACE.agent).on("connection", (s) =>
      s.on("live", (values: AgentLiveValue[]) => {
        wireMessages++;
        note(wire, values);
      }),
    );
    const view = await viewer();
    const seen: Seen = new Map();
    view.on("live", (values: LiveValue[]) => note(seen, values.filter((v) => v.agentId === "lab-loop")));

    const config = AgentConfig.parse({
      version: 1,
      server: { url: server.url },
      agent: { id: "lab-loop", name: "回环 Loopback" },
      instruments: sims.map((sim, i) => ({ id: `dmm${i + 1}`, driver: "keysight-34465a", role: "uut", transport: { type: "tcp", host: "127.0.0.1", port: sim.port }, intervalMs: 50 })),
    });
    const agent = new Agent(config, silentLogger, undefined, { credential, deviceKey });
    const started = Date.now();
    agent.start();
    await waitFor("400 live values on the wire", () => (total(wire) >= 400 ? true : undefined), 30_000);
    const counts = { ...agent.uplink.live.counts };
    const elapsed = Date.now() - started;
    await agent.stop();
    const sent = total(wire);
    await waitFor(`the viewer to receive all ${sent} values (has ${total(seen)})`, () => (total(seen) >= sent ? true : undefined));

    expect(counts.dropped).toBe(0);
    expect(sent).toBeGreaterThanOrEqual(counts.sent);
    // Each tick's values in one message: four streams, at most one message per 100 ms.
    expect(wireMessages).toBeLessThan(sent / 2);
    expect(wireMessages).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 100) + 1);
    expect(elapsed).toBeGreaterThan(0);
    expect([...seen.keys()].sort()).toEqual(dmmStreams(4).sort());
    for (const [stream, times] of wire) expect(seen.get(stream), stream).toEqual(times);
  }, 60_000);

  it("a viewer that stops reading gets a bounded buffer on the server and then the newest value of each stream", async () => {
    // Four instruments of 50 streams each (an instrument announces at most 64).
    const streams = Array.from({ length: 200 }, (_, i) => ({ instrumentId: `bank${Math.floor(i / 50)}`, id: `s${i}`, quantity: "voltage", unit: "V" }));
    const hello: AgentHello = {
      protocol: PROTOCOL_VERSION,
      agentId: "lab-fast",
      name: "fast",
      software: "test",
      instruments: [0, 1, 2, 3].map((b) => ({
        id: `bank${b}`,
        driver: "keysight-34465a",
        role: "uut" as const,
        maker: "test",
        model: "bank",
        serial: String(b),
        firmware: "1",
        streams: streams.filter((s) => s.instrumentId === `bank${b}`).map(({ id, quantity, unit }) => ({ id, quantity, unit })),
      })),
    };
    const { auth } = await enrolAgent(server, "lab-fast");
    const agent = io(`${server.url}${NAMESPACE.agent}`, { transports: ["websocket"], forceNew: true, auth });
    sockets.push(agent);
    await connected(agent);
    expect(await agent.emitWithAck("hello", hello)).toMatchObject({ ok: true });

    const slow = await viewer();
    const got: Seen = new Map();
    slow.on("live", (values: LiveValue[]) => note(got, values.filter((v) => v.agentId === "lab-fast")));
    const onServer = server.io.of(NAMESPACE.ui).sockets.get(slow.id!);
    if (!onServer) throw new Error("the slow viewer's socket is not on the server");
    const serverTcp = (onServer.conn.transport as unknown as { socket: { _socket: NetSocket } }).socket._socket;
    tcpOf(slow).pause();

    const last = new Map<string, number>();
    let maxHeld = 0;
    let maxWriteBuffer = 0;
    let maxKernelSide = 0;
    let ticks = 0;
    // As fast as the test can, far beyond the 100 ms of a real agent: the paused reader must not matter.
    while (ticks < 4000) {
      const t = 1_800_000_000_000 + ticks;
      const values = streams.map((s, i) => ({ instrumentId: s.instrumentId, streamId: s.id, t, value: ticks + i * 1e-3, unit: "V", flags: 0 }));
      agent.emit("live", values);
      for (const v of values) last.set(v.streamId, v.t);
      ticks++;
      await new Promise((r) => setImmediate(r));
      const backlog = server.viewers.fanout.backlog(slow.id!);
      maxHeld = Math.max(maxHeld, backlog?.held ?? 0);
      maxWriteBuffer = Math.max(maxWriteBuffer, backlog?.writeBuffer ?? 0);
      maxKernelSide = Math.max(maxKernelSide, serverTcp.writableLength);
      if (maxHeld === streams.length && ticks % 500 === 0 && ticks >= 1000) break;
    }
    // The viewer's reads were paused for all of it: the server held values for it, newest per stream only.
    expect(maxHeld).toBe(streams.length);
    expect(maxWriteBuffer).toBeLessThanOrEqual(1);
    // Node's own write queue for that socket never held more than about one message (~30 kB here).
    expect(maxKernelSide).toBeLessThan(200_000);

    tcpOf(slow).resume();
    await waitFor("the slow viewer to reach the newest value of every stream", () =>
      streams.every((s) => got.get(s.id)?.at(-1) === last.get(s.id)) ? true : undefined,
    30_000);
    // It skipped values rather than receiving every one late, and never went back in time.
    expect(total(got)).toBeLessThan(ticks * streams.length);
    for (const times of got.values()) expect(times).toEqual([...times].sort((a, b) => a - b));
  }, 90_000);
});
