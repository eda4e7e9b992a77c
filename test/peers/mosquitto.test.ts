import { type ChildProcess, execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { ReadingFlag } from "@telecal/protocols";
import { get as sparkplugCodec } from "sparkplug-payload";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentConfig } from "@telecal/agent/config";
import { DriverCatalog } from "@telecal/agent/drivers/catalog";
import { createInstrument } from "@telecal/agent/instruments/factory";
import type { MqttSensor } from "@telecal/agent/instruments/mqtt-sensor";
import type { SparkplugNode } from "@telecal/agent/instruments/sparkplug-node";
import { getMqttSimDefinition } from "@telecal/agent/simulators/mqtt/catalog";
import type { MqttJsonSimDefinition, SparkplugSimDefinition } from "@telecal/agent/simulators/mqtt/definition";
import { MqttJsonSimulator } from "@telecal/agent/simulators/mqtt/json-sensor";
import { SparkplugEdgeSimulator } from "@telecal/agent/simulators/mqtt/sparkplug-edge-node";
import { type Running, runTelecal } from "../fakes/cli";
import { captureLogger, recordEvents, until } from "../fakes/mqtt";
import { type Mosquitto, startMosquitto } from "./mosquitto";
import { requireTool } from "./require-tool";

const run = promisify(execFile);

/** mosquitto_sub (Debian mosquitto-clients) printing "topic hexpayload" per message. */
class Subscriber {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  private partial = "";

  constructor(bin: string, port: number, filters: string[]) {
    const args = ["-h", "127.0.0.1", "-p", String(port), "-F", "%t %x", ...filters.flatMap((f) => ["-t", f])];
    this.child = spawn(bin, args, { stdio: ["ignore", "pipe", "ignore"] });
    this.child.stdout?.on("data", (chunk: Buffer) => {
      const parts = (this.partial + chunk.toString()).split("\n");
      this.partial = parts.pop() ?? "";
      this.lines.push(...parts.filter((l) => l.length > 0));
    });
  }

  /** Messages on one topic, payloads as bytes. */
  on(topic: string): Buffer[] {
    return this.lines.filter((l) => l.startsWith(`${topic} `)).map((l) => Buffer.from(l.slice(topic.length + 1), "hex"));
  }

  /** Waits until the subscription stands: publishes probes until one comes back. */
  async ready(pub: string, port: number): Promise<void> {
    await until(
      "mosquitto_sub to receive a probe",
      () => {
        void run(pub, ["-h", "127.0.0.1", "-p", String(port), "-t", "telecal/probe", "-m", "probe"]).catch(() => undefined);
        return this.lines.some((l) => l.startsWith("telecal/probe ")) || undefined;
      },
      10_000,
    );
  }

  stop(): void {
    this.child.kill("SIGTERM");
  }
}

const codec = sparkplugCodec("spBv1.0")!;
const metricNamed = (payload: ReturnType<typeof codec.decodePayload>, name: string) => payload.metrics?.find((m) => m.name === name);

describe("Mosquitto carries the MQTT sensors", () => {
  let broker: Mosquitto;
  let sub: Subscriber;
  let pubBin: string;
  let subBin: string;

  beforeAll(async () => {
    subBin = requireTool("mosquitto_sub");
    pubBin = requireTool("mosquitto_pub");
    broker = await startMosquitto();
    sub = new Subscriber(subBin, broker.port, ["spBv1.0/#", "lab/#", "telecal/probe"]);
    await sub.ready(pubBin, broker.port);
  });

  afterAll(async () => {
    sub?.stop();
    await broker?.kill();
  });

  it("mosquitto_sub sees the NBIRTH of `telecal sim sparkplug-edge`, and sparkplug-payload decodes it on its own", async () => {
    let sim: Running | undefined;
    try {
      sim = await runTelecal(["sim", "sparkplug-edge", "--mqtt", broker.url, "--id", "peer-1"], /publishing to mqtt:\/\//);
      expect(sim.stdout()).toBe(`sparkplug-edge publishing to ${broker.url}\n`);
      const births = await until("NBIRTH on the wire", () => sub.on("spBv1.0/telecal/NBIRTH/peer-1")[0]);
      const nbirth = codec.decodePayload(births);
      expect(Number(nbirth.seq)).toBe(0);
      expect(Number(metricNamed(nbirth, "bdSeq")?.value)).toBe(0);
      expect(metricNamed(nbirth, "Node Control/Rebirth")).toMatchObject({ type: "Boolean", value: false });
      const temperature = metricNamed(nbirth, "Environment/Temperature");
      expect(temperature).toMatchObject({ type: "Double", alias: expect.anything() });
      expect(temperature?.properties?.["engUnit"]?.value).toBe("°C");
      expect(temperature?.value).toBeCloseTo(23, 0);
      expect(nbirth.metrics?.map((m) => m.name)).toEqual([
        "bdSeq",
        "Node Control/Rebirth",
        "Environment/Temperature",
        "Environment/Humidity",
        "Environment/Pressure",
        "Device/Uptime",
      ]);
      const ndata = await until("first NDATA", () => sub.on("spBv1.0/telecal/NDATA/peer-1")[0]);
      expect(Number(codec.decodePayload(ndata).seq)).toBe(1);
    } finally {
      await sim?.stop();
    }
    // SIGTERM is a clean stop: the node publishes its NDEATH before DISCONNECT.
    const death = await until("NDEATH", () => sub.on("spBv1.0/telecal/NDEATH/peer-1")[0]);
    expect(Number(metricNamed(codec.decodePayload(death), "bdSeq")?.value)).toBe(0);
  });

  describe("the agent's runtimes, reading the simulators through Mosquitto", () => {
    const quietJson = (): MqttJsonSimDefinition => {
      const def = getMqttSimDefinition("mqtt-env-sensor") as MqttJsonSimDefinition;
      const fields = Object.fromEntries(Object.entries(def.fields).map(([k, f]) => [k, { ...f, signal: { ...f.signal, noise: 0, driftPerHour: 0 } }]));
      return { ...def, intervalMs: 50, fields };
    };
    const quietEdge = (): SparkplugSimDefinition => {
      const def = getMqttSimDefinition("sparkplug-edge") as SparkplugSimDefinition;
      return { ...def, intervalMs: 50, metrics: def.metrics.map((m) => ({ ...m, signal: { ...m.signal, noise: 0, driftPerHour: 0 } })) };
    };
    let sensor: MqttSensor;
    let node: SparkplugNode;
    let sensorEvents: ReturnType<typeof recordEvents>;
    let nodeEvents: ReturnType<typeof recordEvents>;
    let jsonSim: MqttJsonSimulator;
    let edgeSim: SparkplugEdgeSimulator;
    const log = captureLogger();

    beforeAll(async () => {
      const config = AgentConfig.parse({
        version: 1,
        server: { url: "http://127.0.0.1:1" },
        agent: { id: "lab", name: "lab" },
        instruments: [
          { id: "th-01", driver: "mqtt-json-sensor", role: "reference", transport: { type: "mqtt", url: broker.url } },
          { id: "bench-1", driver: "sparkplug-edge", role: "reference", transport: { type: "mqtt", url: broker.url } },
        ],
      });
      const drivers = new DriverCatalog();
      sensor = createInstrument(config.instruments[0]!, drivers, log) as MqttSensor;
      node = createInstrument(config.instruments[1]!, drivers, log) as SparkplugNode;
      sensorEvents = recordEvents();
      nodeEvents = recordEvents();
      sensor.start(sensorEvents);
      node.start(nodeEvents);
      await until("runtimes subscribed", () => sensor.transport.isUp && node.transport.isUp);
      const simOptions = { url: broker.url, backoffMinMs: 50, backoffMaxMs: 500 };
      jsonSim = new MqttJsonSimulator(quietJson(), simOptions);
      edgeSim = new SparkplugEdgeSimulator(quietEdge(), simOptions);
      jsonSim.start();
      edgeSim.start();
    });

    afterAll(async () => {
      await jsonSim?.stop();
      await edgeSim?.stop();
      await sensor?.stop();
      await node?.stop();
    });

    it("reads the plain JSON sensor: values, units, the sensor's time", async () => {
      await until("JSON readings", () => sensorEvents.of("th-01.humidity").length >= 3);
      const [t] = sensorEvents.of("th-01.temperature");
      expect(t).toMatchObject({ unit: "°C", value: 23, flags: 0 });
      expect(Math.abs(t!.t - Date.now())).toBeLessThan(5000);
      expect(sensorEvents.of("th-01.humidity")[0]).toMatchObject({ unit: "%RH", value: 45, flags: 0 });
      expect(sub.on("lab/env/th-01/state").length).toBeGreaterThanOrEqual(1);
    });

    it("reads the Sparkplug edge node: streams from NBIRTH, values and units, seq without gaps", async () => {
      await until("Sparkplug readings", () => nodeEvents.of("bench-1.pressure").length >= 3);
      expect(node.state).toBe("online");
      expect(node.describe().streams.map((s) => `${s.id} ${s.unit}`)).toEqual([
        "bench-1.temperature °C",
        "bench-1.humidity %RH",
        "bench-1.pressure hPa",
      ]);
      expect(nodeEvents.of("bench-1.temperature").every((r) => r.value === 23 && r.flags === 0)).toBe(true);
      expect(nodeEvents.of("bench-1.pressure")[0]).toMatchObject({ unit: "hPa", value: 1013.25 });
      expect(node.counts.gaps).toBe(0);
    });

    it("an NDATA with a skipped seq makes the runtime send NCMD Node Control/Rebirth, seen on the wire", async () => {
      sub.lines.length = 0;
      edgeSim.skipNextSeq();
      const ncmd = await until("NCMD on the wire", () => sub.on("spBv1.0/telecal/NCMD/bench-1")[0]);
      expect(codec.decodePayload(ncmd).metrics).toEqual([expect.objectContaining({ name: "Node Control/Rebirth", value: true })]);
      await until("a new NBIRTH on the wire", () => sub.on("spBv1.0/telecal/NBIRTH/bench-1").length === 1);
      await until("online again", () => node.state === "online");
      expect(node.counts.gaps).toBe(1);
      expect(nodeEvents.of("bench-1.temperature").some((r) => r.flags === ReadingFlag.unstable)).toBe(true);
    });

    it("killing the broker is a loss; the runtimes reconnect when a new broker comes up on the same port", async () => {
      const port = broker.port;
      sub.stop();
      await broker.kill();
      await until("the loss seen", () => !sensor.transport.isUp && !node.transport.isUp && node.state === "offline");
      expect(log.warnings().some((w) => w.msg === "broker link down")).toBe(true);

      broker = await startMosquitto(port);
      sub = new Subscriber(subBin, broker.port, ["spBv1.0/#", "lab/#", "telecal/probe"]);
      const before = { json: sensorEvents.readings.length, node: nodeEvents.readings.length };
      await until("reconnected", () => sensor.transport.isUp && node.transport.isUp, 15_000);
      await until("the edge node born again", () => node.state === "online" && node.birthBdSeq === 1, 15_000);
      await until("readings again", () => sensorEvents.readings.length > before.json + 2 && nodeEvents.readings.length > before.node + 2);
    });
  });
});
