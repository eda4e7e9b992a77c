import { ReadingFlag } from "@telecal/protocols";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentConfig } from "@telecal/agent/config";
import { decodeSparkplug, encodeSparkplug, type SparkplugMetricOut, type SparkplugPayload } from "@telecal/agent/dialects/sparkplug";
import { DriverCatalog } from "@telecal/agent/drivers/catalog";
import { createInstrument } from "@telecal/agent/instruments/factory";
import { SparkplugNode } from "@telecal/agent/instruments/sparkplug-node";
import { getMqttSimDefinition } from "@telecal/agent/simulators/mqtt/catalog";
import type { SparkplugSimDefinition } from "@telecal/agent/simulators/mqtt/definition";
import { SparkplugEdgeSimulator } from "@telecal/agent/simulators/mqtt/sparkplug-edge-node";
import { MqttTransport } from "@telecal/agent/transports/mqtt";
import { type EmbeddedBroker, startEmbeddedBroker } from "@telecal/agent/transports/mqtt-broker";
import { captureLogger, recordEvents, until } from "../../fakes/mqtt";

const T0 = Date.UTC(2025, 4, 1, 8);

/** The shipped edge node without noise, publishing every 40 ms. */
export function quietEdgeNode(): SparkplugSimDefinition {
  const def = getMqttSimDefinition("sparkplug-edge") as SparkplugSimDefinition;
  return { ...def, intervalMs: 40, metrics: def.metrics.map((m) => ({ ...m, signal: { ...m.signal, noise: 0, driftPerHour: 0 } })) };
}

let broker: EmbeddedBroker;
const open: { close(): Promise<void> }[] = [];
beforeEach(async () => {
  broker = await startEmbeddedBroker({ port: 0 });
});
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  await broker.close();
});

/** The agent's runtime for edge node `id`, started, with its events and log recorded. */
async function node(id: string, rebirthIntervalMs?: number) {
  const log = captureLogger();
  const config = AgentConfig.parse({
    version: 1,
    server: { url: "http://127.0.0.1:1" },
    agent: { id: "lab", name: "lab" },
    instruments: [{ id, driver: "sparkplug-edge", role: "reference", transport: { type: "mqtt", url: broker.url } }],
  });
  const drivers = new DriverCatalog();
  const runtime =
    rebirthIntervalMs === undefined
      ? (createInstrument(config.instruments[0]!, drivers, log) as SparkplugNode)
      : new SparkplugNode(drivers.get("sparkplug-edge"), new MqttTransport({ url: broker.url }), { id, role: "reference", rebirthIntervalMs }, log);
  expect(runtime).toBeInstanceOf(SparkplugNode);
  const events = recordEvents();
  open.push({ close: () => runtime.stop() });
  runtime.start(events);
  await until("node subscribed", () => runtime.transport.isUp);
  return { runtime, events, log };
}

/** A raw client: publishes crafted Sparkplug messages and records the NCMDs the host sends. */
async function edge(edgeNodeId: string) {
  const t = new MqttTransport({ url: broker.url });
  open.push(t);
  const commands: SparkplugPayload[] = [];
  t.on("message", (_topic, payload) => commands.push(decodeSparkplug(payload) as SparkplugPayload));
  void t.subscribe(`spBv1.0/telecal/NCMD/${edgeNodeId}`);
  t.open();
  await until("edge client up", () => t.isUp);
  const send = (type: string, payload: { seq?: number; metrics: SparkplugMetricOut[] } | Uint8Array) =>
    t.publish(`spBv1.0/telecal/${type}/${edgeNodeId}`, payload instanceof Uint8Array ? payload : encodeSparkplug({ timestamp: T0, ...payload }));
  const rebirths = () => commands.filter((c) => c.metrics.some((m) => m.name === "Node Control/Rebirth" && m.value === true)).length;
  return { send, rebirths };
}

const birth = (bdSeq: number): { seq: number; metrics: SparkplugMetricOut[] } => ({
  seq: 0,
  metrics: [
    { name: "bdSeq", type: "Int64", value: bdSeq },
    { name: "Node Control/Rebirth", type: "Boolean", value: false },
    { name: "Environment/Temperature", alias: 1, type: "Double", value: 23.1, unit: "°C" },
    { name: "Environment/Humidity", alias: 2, type: "Float", value: 45.5, unit: "%RH" },
  ],
});
const data = (seq: number, value: number) => ({ seq, metrics: [{ alias: 1, type: "Double", value, timestamp: T0 + seq }] });

describe("a Sparkplug B edge node (sparkplug-edge driver)", () => {
  it("learns its streams from NBIRTH and reads NDATA by alias, with values, units and contiguous seq", async () => {
    const { runtime, events } = await node("bench-1");
    expect(runtime.describe().streams).toEqual([]);
    const sim = new SparkplugEdgeSimulator(quietEdgeNode(), { url: broker.url });
    open.push({ close: () => sim.stop() });
    sim.start();
    await until("five pressure readings", () => events.of("bench-1.pressure").length >= 5);
    expect(events.changes).toBe(1);
    expect(runtime.state).toBe("online");
    expect(runtime.birthBdSeq).toBe(0);
    expect(runtime.describe().streams).toEqual([
      { id: "bench-1.temperature", quantity: "air temperature", unit: "°C" },
      { id: "bench-1.humidity", quantity: "relative humidity", unit: "%RH" },
      { id: "bench-1.pressure", quantity: "air pressure", unit: "hPa" },
    ]);
    expect(events.of("bench-1.temperature").every((r) => r.value === 23 && r.unit === "°C" && r.flags === 0)).toBe(true);
    expect(events.of("bench-1.humidity").every((r) => r.value === 45 && r.unit === "%RH")).toBe(true);
    expect(events.of("bench-1.pressure").every((r) => r.value === 1013.25 && r.unit === "hPa")).toBe(true);
    expect(runtime.counts.gaps).toBe(0);
  });

  it("follows seq from 255 to 0 without calling it a gap", async () => {
    const { runtime, events } = await node("wrap-1");
    const e = await edge("wrap-1");
    await e.send("NBIRTH", birth(3));
    for (let seq = 1; seq <= 255; seq++) await e.send("NDATA", data(seq, seq));
    await e.send("NDATA", data(0, 256));
    await e.send("NDATA", data(1, 257));
    await until("all NDATA read", () => events.of("wrap-1.temperature").length === 1 + 257);
    expect(runtime.counts.gaps).toBe(0);
    expect(e.rebirths()).toBe(0);
    expect(events.of("wrap-1.temperature").every((r) => r.flags === 0)).toBe(true);
  });

  it("on a skipped seq, asks for a rebirth and flags the readings until the node is born again", async () => {
    const { runtime, events, log } = await node("bench-1");
    const sim = new SparkplugEdgeSimulator(quietEdgeNode(), { url: broker.url });
    open.push({ close: () => sim.stop() });
    sim.start();
    await until("readings", () => events.of("bench-1.temperature").length >= 3);
    sim.skipNextSeq();
    await until("the rebirth request answered", () => sim.counts.rebirthRequests === 1 && sim.counts.births === 2);
    await until("online again", () => runtime.state === "online" && events.of("bench-1.temperature").length > 0);
    const flagged = events.of("bench-1.temperature").filter((r) => r.flags === ReadingFlag.unstable);
    expect(flagged.length).toBeGreaterThanOrEqual(1);
    expect(runtime.counts.gaps).toBe(1);
    expect(log.warnings().some((w) => w.msg.startsWith("Sparkplug seq gap"))).toBe(true);
    const count = events.of("bench-1.temperature").length;
    await until("plain readings after the rebirth", () => events.of("bench-1.temperature").length >= count + 2);
    expect(events.of("bench-1.temperature").slice(count).every((r) => r.flags === 0)).toBe(true);
  });

  it("drops NDATA before any NBIRTH and asks for a rebirth, at most once per interval", async () => {
    const { runtime, events, log } = await node("early-1", 60_000);
    const e = await edge("early-1");
    await e.send("NDATA", data(7, 1));
    await e.send("NDATA", data(8, 2));
    await until("the rebirth request", () => e.rebirths() === 1 && runtime.counts.dropped === 2);
    expect(events.readings).toEqual([]);
    expect(log.warnings().filter((w) => w.msg === "NDATA before NBIRTH: readings dropped until the node is born")).toHaveLength(1);
    await e.send("NBIRTH", birth(1));
    await e.send("NDATA", data(1, 24));
    await until("readings after the birth", () => events.of("early-1.temperature").length === 2);
    expect(events.of("early-1.temperature").map((r) => r.value)).toEqual([23.1, 24]);
    expect(events.of("early-1.humidity").map((r) => r.value)).toEqual([45.5]);
    expect(e.rebirths()).toBe(1);
  });

  it("NDEATH of the current session marks the streams offline; one of an older session is ignored", async () => {
    const { runtime } = await node("bench-1");
    const sim = new SparkplugEdgeSimulator(quietEdgeNode(), { url: broker.url });
    sim.start();
    await until("online", () => runtime.state === "online");
    const e = await edge("bench-1");
    await e.send("NDEATH", { metrics: [{ name: "bdSeq", type: "Int64", value: 42 }] });
    await new Promise((r) => setTimeout(r, 100));
    expect(runtime.state).toBe("online");

    await sim.kill();
    await until("offline from the will", () => runtime.state === "offline");
    expect(runtime.streamStates()).toEqual({ "bench-1.temperature": "offline", "bench-1.humidity": "offline", "bench-1.pressure": "offline" });
    sim.start();
    open.push({ close: () => sim.stop() });
    await until("born again", () => runtime.state === "online");
    expect(runtime.birthBdSeq).toBe(1);
  });

  it("logs a payload that is not Sparkplug by code and goes on", async () => {
    const { runtime, events, log } = await node("junk-1");
    const e = await edge("junk-1");
    await e.send("NBIRTH", birth(0));
    await e.send("NDATA", new TextEncoder().encode("{ this is not protobuf"));
    await e.send("NDATA", data(1, 22));
    await until("the reading after the junk", () => events.of("junk-1.temperature").length === 2);
    expect(runtime.counts.decodeErrors).toBe(1);
    const warning = log.warnings().find((w) => w.obj["code"] === "TC_ERR_INSTRUMENT_REPLY");
    expect(warning?.msg).toMatch(/^junk-1: cannot parse reply "\{ this is not protobuf" to topic spBv1.0\/telecal\/NDATA\/junk-1$/);
    expect(warning?.obj["reason"]).toMatch(/^not a Sparkplug B payload: /);
  });

  it("does not read a metric whose NBIRTH unit differs from the driver's", async () => {
    const { runtime, events, log } = await node("unit-1");
    const e = await edge("unit-1");
    const b = birth(0);
    b.metrics[2] = { ...b.metrics[2]!, unit: "°F" };
    await e.send("NBIRTH", b);
    await until("born", () => runtime.state === "online");
    expect(runtime.describe().streams.map((s) => s.id)).toEqual(["unit-1.humidity"]);
    expect(events.of("unit-1.temperature")).toEqual([]);
    expect(log.warnings().some((w) => w.msg === "metric Environment/Temperature is in °F, the driver expects °C: not read")).toBe(true);
  });
});
