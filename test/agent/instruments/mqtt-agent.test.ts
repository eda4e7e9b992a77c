import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, describe, expect, it } from "vitest";
import { Agent } from "@telecal/agent/agent";
import { parseAgentConfig } from "@telecal/agent/config";
import { silentLogger } from "@telecal/agent/log";
import { getMqttSimDefinition } from "@telecal/agent/simulators/mqtt/catalog";
import { createMqttSimulator } from "@telecal/agent/simulators/mqtt/factory";
import type { MqttPublisher } from "@telecal/agent/simulators/mqtt/publisher";
import { type EmbeddedBroker, startEmbeddedBroker } from "@telecal/agent/transports/mqtt-broker";
import { enrolAgent } from "../../fakes/auth";

async function enrolled(server: Parameters<typeof enrolAgent>[0], agentId: string) {
  const { auth, deviceKey } = await enrolAgent(server, agentId);
  return { credential: auth, deviceKey };
}
import { until } from "../../fakes/mqtt";

describe("an agent with MQTT sensors, on the embedded broker", () => {
  let server: TelecalServer;
  let broker: EmbeddedBroker;
  let agent: Agent;
  const sims: MqttPublisher[] = [];
  afterAll(async () => {
    await agent?.stop();
    for (const s of sims) await s.stop();
    await broker?.close();
    await server?.close();
  });

  it("announces the streams it learns (the edge node's from NBIRTH) and its readings reach the server", async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null });
    broker = await startEmbeddedBroker({ port: 0 });
    const config = parseAgentConfig(
      [
        "version: 1",
        `server: { url: "${server.url}" }`,
        "agent: { id: lab-mqtt, name: MQTT lab }",
        "instruments:",
        `  - { id: th-01, driver: mqtt-json-sensor, role: reference, transport: { type: mqtt, url: "${broker.url}" } }`,
        `  - { id: bench-1, driver: sparkplug-edge, role: reference, transport: { type: mqtt, url: "${broker.url}" } }`,
      ].join("\n"),
      "agent.yaml",
    );
    agent = new Agent(config, silentLogger, undefined, { ...(await enrolled(server, "lab-mqtt")) });
    agent.start();
    for (const name of ["mqtt-env-sensor", "sparkplug-edge"]) {
      const sim = createMqttSimulator({ ...getMqttSimDefinition(name), intervalMs: 50 }, { url: broker.url });
      sims.push(sim);
      sim.start();
    }
    const streams = await until("the edge node's streams on the server", () => {
      const node = server.hub.summaries()[0]?.instruments.find((i) => i.id === "bench-1");
      return node && node.streams.length === 3 ? node.streams : undefined;
    });
    expect(streams.map((s) => s.id)).toEqual(["bench-1.temperature", "bench-1.humidity", "bench-1.pressure"]);
    for (const stream of ["th-01.temperature", "th-01.humidity", "bench-1.temperature", "bench-1.pressure"]) {
      const points = await until(`readings of ${stream} on the server`, () => {
        const history = server.hub.snapshot().history[`lab-mqtt:${stream}`];
        return history && history.length >= 3 ? history : undefined;
      });
      expect(points.every(([, value, flags]) => typeof value === "number" && flags === 0)).toBe(true);
    }
  });

  it("refuses a bad MQTT transport in the config by file, line and key", () => {
    expect(() =>
      parseAgentConfig(
        [
          "version: 1",
          'server: { url: "http://127.0.0.1:1" }',
          "agent: { id: lab, name: lab }",
          "instruments:",
          '  - { id: th-01, driver: mqtt-json-sensor, role: uut, transport: { type: mqtt, url: "http://broker:1883" } }',
        ].join("\n"),
        "agent.yaml",
      ),
    ).toThrow(/^agent.yaml:5: instruments.0.transport.url: /);
  });
});
