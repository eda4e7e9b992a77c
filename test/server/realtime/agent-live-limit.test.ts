import { type AgentHello, type ErrorBody, NAMESPACE, PROTOCOL_VERSION } from "@telecal/protocols";
import { AGENT_LIVE_PER_SECOND, startServer, type TelecalServer } from "@telecal/server";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolAgent } from "../../fakes/auth";
import { waitFor } from "../../fakes/bench";

const hello: AgentHello = {
  protocol: PROTOCOL_VERSION,
  agentId: "lab-burst",
  name: "burst",
  software: "test",
  instruments: [{ id: "dmm1", driver: "keysight-34465a", role: "uut", maker: "test", model: "dmm", serial: "1", firmware: "1", streams: [{ id: "dmm1.dcv", quantity: "voltage", unit: "V" }] }],
};
const tick = (t: number) => [{ instrumentId: "dmm1", streamId: "dmm1.dcv", t, value: 1, unit: "V", flags: 0 }];

/**
 * An agent that sends live messages far faster than the protocol's one per 100 ms: the server relays
 * AGENT_LIVE_PER_SECOND of them in a second, drops the rest, and says so once, not once per message.
 */
describe("/agent live messages beyond the agent's rate", () => {
  let server: TelecalServer;
  let agent: Socket;
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null });
    const { auth } = await enrolAgent(server, "lab-burst");
    agent = io(`${server.url}${NAMESPACE.agent}`, { transports: ["websocket"], forceNew: true, auth });
    expect(await agent.timeout(10_000).emitWithAck("hello", hello)).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    agent?.close();
    await server?.close();
  });

  it("relays the first AGENT_LIVE_PER_SECOND of a burst, drops the rest with one TC_ERR_SOCKET_RATE_LIMITED, and relays again in the next second", async () => {
    const relayed: number[] = [];
    server.hub.onLive((values) => relayed.push(...values.map((v) => v.t)));
    const problems: ErrorBody[] = [];
    agent.on("problem", (e: ErrorBody) => problems.push(e));
    const start = 1_800_000_000_000;
    for (let i = 0; i < 3 * AGENT_LIVE_PER_SECOND; i++) agent.emit("live", tick(start + i));
    await waitFor("the refusal", () => problems[0]);
    // The clock message the server answers after the burst arrived after all of it (one socket, in order).
    await agent.timeout(10_000).emitWithAck("clock", { t0: Date.now() });
    expect(relayed).toEqual(Array.from({ length: AGENT_LIVE_PER_SECOND }, (_, i) => start + i));
    expect(problems).toEqual([expect.objectContaining({ code: "TC_ERR_SOCKET_RATE_LIMITED" })]);
    // A window later the agent is heard again.
    await waitFor("a live message relayed in a later window", () => {
      agent.emit("live", tick(start + 10_000 + relayed.length));
      return relayed.length > AGENT_LIVE_PER_SECOND ? true : undefined;
    }, 5000);
  });
});
