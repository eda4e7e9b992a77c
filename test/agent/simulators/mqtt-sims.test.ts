import { afterEach, describe, expect, it } from "vitest";
import { decodeSparkplug, rebirthRequest, type SparkplugPayload } from "@telecal/agent/dialects/sparkplug";
import { simulatorNames } from "@telecal/agent/simulators/catalog";
import { getMqttSimDefinition, mqttSimulatorNames, parseMqttSimDefinition } from "@telecal/agent/simulators/mqtt/catalog";
import type { MqttJsonSimDefinition, SparkplugSimDefinition } from "@telecal/agent/simulators/mqtt/definition";
import { MqttJsonSimulator } from "@telecal/agent/simulators/mqtt/json-sensor";
import { SparkplugEdgeSimulator } from "@telecal/agent/simulators/mqtt/sparkplug-edge-node";
import { MqttTransport } from "@telecal/agent/transports/mqtt";
import { startEmbeddedBroker } from "@telecal/agent/transports/mqtt-broker";
import { until } from "../../fakes/mqtt";
import { freePort } from "../../peers/ports";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

/** A client that records every message on `filter`. */
async function watch(url: string, filter: string): Promise<{ messages: { topic: string; payload: Buffer }[] }> {
  const t = new MqttTransport({ url, backoffMinMs: 20 });
  open.push(t);
  const messages: { topic: string; payload: Buffer }[] = [];
  t.on("message", (topic, payload) => messages.push({ topic, payload }));
  void t.subscribe(filter);
  t.open();
  await until("watcher up", () => t.isUp);
  return { messages };
}

const sparkplug = (p: Buffer) => decodeSparkplug(p) as SparkplugPayload;
const metric = (p: SparkplugPayload, name: string) => p.metrics.find((m) => m.name === name);

describe("the MQTT simulator catalog", () => {
  it("lists the MQTT devices apart from the SCPI-family ones", () => {
    expect(mqttSimulatorNames()).toEqual(["mqtt-env-sensor", "sparkplug-edge"]);
    expect(simulatorNames()).not.toContain("mqtt-env-sensor");
    expect(simulatorNames()).not.toContain("sparkplug-edge");
    expect(getMqttSimDefinition("sparkplug-edge")).toMatchObject({ dialect: "sparkplug", groupId: "telecal", edgeNodeId: "bench-1" });
  });

  it("refuses an unknown name and a bad definition by registry code", () => {
    expect(() => getMqttSimDefinition("keysight-34465a")).toThrow(/TC_ERR_UNKNOWN_SIMULATOR|no simulator named keysight-34465a/);
    expect(() => parseMqttSimDefinition({ name: "x", title: "x", dialect: "sparkplug", groupId: "a/b", edgeNodeId: "n", metrics: [] }, "x.yaml")).toThrow(
      /simulator definition x.yaml is invalid: groupId: .*metrics/,
    );
  });
});

describe("the plain JSON sensor simulator", () => {
  it("publishes what the mqtt-json-sensor driver reads: value, unit and time at their paths", async () => {
    const b = await startEmbeddedBroker({ port: 0 });
    open.push(b);
    const w = await watch(b.url, "lab/#");
    const def = getMqttSimDefinition("mqtt-env-sensor") as MqttJsonSimDefinition;
    const sim = new MqttJsonSimulator({ ...def, intervalMs: 50 }, { url: b.url, deviceId: "th-07", env: { now: () => Date.UTC(2025, 4, 1, 8), random: () => 0.5 } });
    open.push({ close: () => sim.stop() });
    sim.start();
    await until("two messages", () => w.messages.length >= 2);
    expect(w.messages[0]!.topic).toBe("lab/env/th-07/state");
    const message = JSON.parse(w.messages[0]!.payload.toString());
    expect(message).toMatchObject({
      time: "2025-05-01T08:00:00.000Z",
      battery: 97,
      temperature: { unit: "°C", value: expect.closeTo(23, 1) },
      humidity: { unit: "%RH", value: expect.closeTo(45, 0) },
    });
  });
});

describe("the Sparkplug B edge node simulator", () => {
  const def = () => ({ ...(getMqttSimDefinition("sparkplug-edge") as SparkplugSimDefinition), intervalMs: 40 });

  it("publishes NBIRTH (bdSeq, seq 0, named metrics with units), then NDATA by alias with seq 1, 2, ...", async () => {
    const b = await startEmbeddedBroker({ port: 0 });
    open.push(b);
    const w = await watch(b.url, "spBv1.0/#");
    const sim = new SparkplugEdgeSimulator(def(), { url: b.url });
    open.push({ close: () => sim.stop() });
    sim.start();
    await until("NBIRTH and three NDATA", () => w.messages.length >= 4);
    const [birth, ...data] = w.messages;
    expect(birth!.topic).toBe("spBv1.0/telecal/NBIRTH/bench-1");
    const nbirth = sparkplug(birth!.payload);
    expect(nbirth.seq).toBe(0);
    expect(metric(nbirth, "bdSeq")).toMatchObject({ type: "Int64", value: 0 });
    expect(metric(nbirth, "Node Control/Rebirth")).toMatchObject({ type: "Boolean", value: false });
    expect(metric(nbirth, "Environment/Temperature")).toMatchObject({ alias: 1, type: "Double", unit: "°C" });
    expect(data.slice(0, 3).map((m) => m.topic)).toEqual(Array(3).fill("spBv1.0/telecal/NDATA/bench-1"));
    expect(data.slice(0, 3).map((m) => sparkplug(m.payload).seq)).toEqual([1, 2, 3]);
    expect(sparkplug(data[0]!.payload).metrics[0]).toMatchObject({ alias: 1, type: "Double" });
    expect(sparkplug(data[0]!.payload).metrics[0]!.name).toBeUndefined();
  });

  it("answers NCMD Node Control/Rebirth with a new NBIRTH (same bdSeq, seq 0)", async () => {
    const b = await startEmbeddedBroker({ port: 0 });
    open.push(b);
    const w = await watch(b.url, "spBv1.0/+/NBIRTH/#");
    const sim = new SparkplugEdgeSimulator(def(), { url: b.url });
    open.push({ close: () => sim.stop() });
    sim.start();
    await until("first NBIRTH", () => w.messages.length === 1);
    const host = new MqttTransport({ url: b.url });
    open.push(host);
    host.open();
    await until("host up", () => host.isUp);
    await host.publish("spBv1.0/telecal/NCMD/bench-1", rebirthRequest(Date.now()));
    await until("second NBIRTH", () => w.messages.length === 2);
    expect(sim.counts.rebirthRequests).toBe(1);
    const again = sparkplug(w.messages[1]!.payload);
    expect(again.seq).toBe(0);
    expect(metric(again, "bdSeq")?.value).toBe(0);
  });

  it("registers NDEATH as its will: a lost link publishes it, and the next session has a new bdSeq", async () => {
    const b = await startEmbeddedBroker({ port: 0 });
    open.push(b);
    const w = await watch(b.url, "spBv1.0/#");
    const first = new SparkplugEdgeSimulator(def(), { url: b.url });
    first.start();
    await until("NBIRTH", () => w.messages.some((m) => m.topic.includes("NBIRTH")));
    await first.kill();
    const death = await until("NDEATH from the will", () => w.messages.find((m) => m.topic === "spBv1.0/telecal/NDEATH/bench-1"));
    expect(metric(sparkplug(death.payload), "bdSeq")?.value).toBe(0);

    first.start();
    await until("a second NBIRTH", () => w.messages.filter((m) => m.topic.includes("NBIRTH")).length === 2);
    open.push({ close: () => first.stop() });
    const births = w.messages.filter((m) => m.topic.includes("NBIRTH")).map((m) => metric(sparkplug(m.payload), "bdSeq")?.value);
    expect(births).toEqual([0, 1]);
  });

  it("a CONNECT that never reached a broker does not use up a bdSeq", async () => {
    const port = await freePort();
    const sim = new SparkplugEdgeSimulator(def(), { url: `mqtt://127.0.0.1:${port}`, backoffMinMs: 20, backoffMaxMs: 40 });
    open.push({ close: () => sim.stop() });
    sim.start();
    await new Promise((r) => setTimeout(r, 200));
    open.push(await startEmbeddedBroker({ port }));
    await sim.ready();
    expect(sim.currentBdSeq).toBe(0);
  });

  it("a clean stop publishes NDEATH before it disconnects", async () => {
    const b = await startEmbeddedBroker({ port: 0 });
    open.push(b);
    const w = await watch(b.url, "spBv1.0/+/NDEATH/#");
    const sim = new SparkplugEdgeSimulator(def(), { url: b.url, edgeNodeId: "bench-9" });
    sim.start();
    await sim.ready();
    await sim.stop();
    await until("NDEATH", () => w.messages.length === 1);
    expect(w.messages[0]!.topic).toBe("spBv1.0/telecal/NDEATH/bench-9");
  });
});
