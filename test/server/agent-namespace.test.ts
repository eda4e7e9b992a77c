import { type AgentHello, NAMESPACE, PROTOCOL_VERSION, type ReadingBatch } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { io, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { emitAck } from "../fakes/acks";
import { connectAgentSocket, dmmBatch } from "../fakes/agent-socket";
import { enrolAgent, signBatch } from "../fakes/auth";

const hello = (protocol = PROTOCOL_VERSION): AgentHello => ({
  protocol,
  agentId: "lab-a",
  name: "Lab A",
  software: "test",
  instruments: [
    {
      id: "dmm1",
      driver: "keysight-34465a",
      role: "uut",
      maker: "Keysight Technologies",
      model: "34465A",
      serial: "MY1",
      firmware: "1",
      streams: [{ id: "dmm1.dcv", quantity: "voltage", unit: "V" }],
    },
  ],
});

let deviceKey: KeyObject;

/** A batch signed with the agent's device key, as its uplink sends it. */
const batch = (firstSeq: number, n: number): ReadingBatch => signBatch(unsigned(firstSeq, n), deviceKey);

const unsigned = (firstSeq: number, n: number): ReadingBatch => dmmBatch(firstSeq, n);

describe("/agent namespace", () => {
  let server: TelecalServer;
  let socket: Socket;
  let auth: { agentId: string; credential: string };
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null });
    ({ auth, deviceKey } = await enrolAgent(server, "lab-a"));
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => {
    socket?.close();
  });

  async function connect(): Promise<Socket> {
    socket = await connectAgentSocket(server.url, auth);
    return socket;
  }

  it("refuses another protocol version, naming both versions", async () => {
    const s = await connect();
    const reply = await emitAck(s, 5000, "hello", hello(PROTOCOL_VERSION + 1));
    expect(reply).toEqual({
      ok: false,
      error: {
        code: "TC_ERR_PROTOCOL_VERSION",
        message: `agent speaks protocol version ${PROTOCOL_VERSION + 1}, this server speaks version ${PROTOCOL_VERSION}`,
      },
    });
    expect(server.hub.summaries().some((a) => a.agentId === "lab-a")).toBe(false);
  });

  it("refuses readings before hello", async () => {
    const s = await connect();
    const reply = await emitAck(s, 5000, "readings", batch(0, 1));
    expect(reply.error.code).toBe("TC_ERR_HELLO_REQUIRED");
  });

  it("answers a malformed event with a registry code, stores nothing, and keeps the connection", async () => {
    const s = await connect();
    expect((await emitAck(s, 5000, "hello", hello())).ok).toBe(true);
    const bad = { ...batch(0, 2), values: [1] };
    const reply = await emitAck(s, 5000, "readings", bad);
    expect(reply.ok).toBe(false);
    expect(reply.error.code).toBe("TC_ERR_VALIDATION");
    expect(reply.error.message).toContain("values");
    expect(server.hub.snapshot().history["lab-a:dmm1.dcv"]).toEqual([]);

    const extraKey = await emitAck(s, 5000, "readings", { ...batch(0, 1), sneaky: true });
    expect(extraKey.error.code).toBe("TC_ERR_VALIDATION");

    const problem = new Promise<{ code: string }>((resolve) => s.once("problem", resolve));
    s.emit("launch-missiles", { now: true });
    expect((await problem).code).toBe("TC_ERR_UNKNOWN_EVENT");

    const noAck = new Promise<{ code: string }>((resolve) => s.once("problem", resolve));
    s.emit("readings", "not a batch");
    expect((await noAck).code).toBe("TC_ERR_VALIDATION");

    expect(s.connected).toBe(true);
    const good = await emitAck(s, 5000, "readings", batch(0, 3));
    expect(good).toEqual({ ok: true, streamId: "dmm1.dcv", ackedSeq: 2 });
  });

  it("stores a resent batch once and acks the highest contiguous seq", async () => {
    const s = await connect();
    const accepted = await emitAck<{ acked: { "dmm1.dcv": number } }>(s, 5000, "hello", hello());
    const from = accepted.acked["dmm1.dcv"] + 1;
    const before = server.hub.snapshot().history["lab-a:dmm1.dcv"]?.length ?? 0;
    expect(await emitAck(s, 5000, "readings", batch(from, 5))).toMatchObject({ ackedSeq: from + 4 });
    expect(await emitAck(s, 5000, "readings", batch(from, 5))).toMatchObject({ ackedSeq: from + 4 });
    expect(await emitAck(s, 5000, "readings", batch(from + 3, 4))).toMatchObject({ ackedSeq: from + 6 });
    const gap = await emitAck(s, 5000, "readings", batch(from + 10, 1));
    expect(gap.error.code).toBe("TC_ERR_SEQ_GAP");
    expect(server.hub.snapshot().history["lab-a:dmm1.dcv"]?.length).toBe(before + 7);
  });

  it("refuses a batch with a flipped value, a foreign signature or none with TC_ERR_BAD_SIGNATURE, stores nothing, and takes the next good batch", async () => {
    const s = await connect();
    const accepted = await emitAck<{ acked: { "dmm1.dcv": number } }>(s, 5000, "hello", hello());
    const from = accepted.acked["dmm1.dcv"] + 1;
    const stored = () => server.store.readings.readings("lab-a", "dmm1.dcv", -1, 100_000);
    const before = (await stored()).length;
    const good = batch(from, 3);
    const flipped: ReadingBatch = { ...good, values: good.values.map((v, i) => (i === 1 && v !== null ? v + 1e-9 : v)) };
    const foreign = signBatch(unsigned(from, 3), generateKeyPairSync("ed25519").privateKey);
    const { signature: _s, ...none } = good;
    void _s;
    for (const bad of [flipped, foreign, none]) {
      const reply = await emitAck(s, 5000, "readings", bad);
      expect(reply.ok).toBe(false);
      expect(reply.error.code).toBe("TC_ERR_BAD_SIGNATURE");
      expect(await stored()).toHaveLength(before);
    }
    expect(s.connected).toBe(true);
    expect(await emitAck(s, 5000, "readings", good)).toEqual({ ok: true, streamId: "dmm1.dcv", ackedSeq: from + 2 });
    expect(await stored()).toHaveLength(before + 3);
  });

  it("refuses every batch of an agent enrolled without a device key", async () => {
    const credential = await server.store.auth.issueAgentCredential("lab-keyless", "lab-keyless", "org-a", null);
    socket = io(`${server.url}${NAMESPACE.agent}`, { transports: ["websocket"], forceNew: true, auth: { agentId: "lab-keyless", credential } });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    expect((await emitAck(socket, 5000, "hello", { ...hello(), agentId: "lab-keyless" })).ok).toBe(true);
    const reply = await emitAck(socket, 5000, "readings", signBatch(unsigned(0, 1), generateKeyPairSync("ed25519").privateKey));
    expect(reply.error.code).toBe("TC_ERR_BAD_SIGNATURE");
    expect(reply.error.message).toContain("agent has no registered device key");
    expect(await server.store.readings.readings("lab-keyless", "dmm1.dcv", -1, 10)).toEqual([]);
  });
});
