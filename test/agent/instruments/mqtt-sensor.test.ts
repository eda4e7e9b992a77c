import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentConfig } from "@telecal/agent/config";
import { DriverCatalog } from "@telecal/agent/drivers/catalog";
import { createInstrument } from "@telecal/agent/instruments/factory";
import { MqttSensor } from "@telecal/agent/instruments/mqtt-sensor";
import { getMqttSimDefinition } from "@telecal/agent/simulators/mqtt/catalog";
import type { MqttJsonSimDefinition } from "@telecal/agent/simulators/mqtt/definition";
import { MqttJsonSimulator } from "@telecal/agent/simulators/mqtt/json-sensor";
import { MqttTransport } from "@telecal/agent/transports/mqtt";
import { type EmbeddedBroker, startEmbeddedBroker } from "@telecal/agent/transports/mqtt-broker";
import { captureLogger, recordEvents, until } from "../../fakes/mqtt";

const T0 = Date.UTC(2025, 4, 1, 8);

/** The shipped sensor definition without noise or drift, so that every value is known. */
function quietSensor(): MqttJsonSimDefinition {
  const def = getMqttSimDefinition("mqtt-env-sensor") as MqttJsonSimDefinition;
  const fields = Object.fromEntries(
    Object.entries(def.fields).map(([k, f]) => [k, { ...f, signal: { ...f.signal, noise: 0, driftPerHour: 0 } }]),
  );
  return { ...def, intervalMs: 40, fields };
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

function sensor(id: string) {
  const log = captureLogger();
  const config = AgentConfig.parse({
    version: 1,
    server: { url: "http://127.0.0.1:1" },
    agent: { id: "lab", name: "lab" },
    instruments: [{ id, driver: "mqtt-json-sensor", role: "reference", transport: { type: "mqtt", url: broker.url } }],
  });
  const runtime = createInstrument(config.instruments[0]!, new DriverCatalog(), log) as MqttSensor;
  const events = recordEvents();
  open.push({ close: () => runtime.stop() });
  return { runtime, events, log };
}

async function publisher(): Promise<MqttTransport> {
  const t = new MqttTransport({ url: broker.url });
  open.push(t);
  t.open();
  await until("publisher up", () => t.isUp);
  return t;
}

describe("an MQTT JSON sensor (mqtt-json-sensor driver)", () => {
  it("is built by the instrument factory from its driver's dialect, with a stream per measurement", () => {
    const { runtime } = sensor("th-01");
    expect(runtime).toBeInstanceOf(MqttSensor);
    expect(runtime.topic).toBe("lab/env/th-01/state");
    expect(runtime.describe().streams).toEqual([
      { id: "th-01.temperature", quantity: "air temperature", unit: "°C" },
      { id: "th-01.humidity", quantity: "relative humidity", unit: "%RH" },
    ]);
  });

  it("gives the simulator's values with their units and the sensor's time stamps", async () => {
    const { runtime, events } = sensor("th-01");
    runtime.start(events);
    await until("subscribed", () => runtime.transport.isUp);
    const sim = new MqttJsonSimulator(quietSensor(), { url: broker.url, env: { now: () => T0, random: Math.random } });
    open.push({ close: () => sim.stop() });
    sim.start();
    await until("three readings of each stream", () => events.of("th-01.humidity").length >= 3);
    expect(events.of("th-01.temperature")[0]).toEqual({ streamId: "th-01.temperature", unit: "°C", t: T0, value: 23, flags: 0 });
    expect(events.of("th-01.humidity")[0]).toEqual({ streamId: "th-01.humidity", unit: "%RH", t: T0, value: 45, flags: 0 });
  });

  it("logs garbage, a message without the value and a wrong unit by code, once each, and reads on", async () => {
    const { runtime, events, log } = sensor("th-02");
    runtime.start(events);
    await until("subscribed", () => runtime.transport.isUp);
    const pub = await publisher();
    const topic = "lab/env/th-02/state";
    await pub.publish(topic, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]));
    await pub.publish(topic, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]));
    await pub.publish(topic, JSON.stringify({ time: T0, temperature: { unit: "°C" }, humidity: { value: 40, unit: "%RH" } }));
    await pub.publish(topic, JSON.stringify({ time: T0, temperature: { value: 74.1, unit: "°F" }, humidity: { value: 41, unit: "%RH" } }));
    await pub.publish(topic, JSON.stringify({ time: T0, temperature: { value: 23.5, unit: "°C" }, humidity: { value: 42, unit: "%RH" } }));
    await until("the good reading after the bad ones", () => events.of("th-02.temperature").length === 1);
    expect(events.of("th-02.temperature").map((r) => r.value)).toEqual([23.5]);
    expect(events.of("th-02.humidity").map((r) => r.value)).toEqual([40, 41, 42]);
    const warnings = log.warnings().filter((w) => w.obj["code"] === "TC_ERR_INSTRUMENT_REPLY");
    expect(warnings.map((w) => [w.obj["measurement"], w.obj["reason"]])).toEqual([
      ["temperature", expect.stringMatching(/^not JSON/)],
      ["humidity", expect.stringMatching(/^not JSON/)],
      ["temperature", "no value at $.temperature.value"],
      ["temperature", 'unit "°F" at $.temperature.unit, expected °C'],
    ]);
    expect(warnings[0]!.msg).toBe('th-02: cannot parse reply "deadbeef00" to topic lab/env/th-02/state');
    // Two fields of each garbage message, then one field each.
    expect(runtime.counts).toEqual({ readings: 4, problems: 6 });
  });

  it("refuses a non-MQTT transport for an MQTT driver, naming both", () => {
    const config = AgentConfig.parse({
      version: 1,
      server: { url: "http://127.0.0.1:1" },
      agent: { id: "lab", name: "lab" },
      instruments: [{ id: "th-03", driver: "mqtt-json-sensor", role: "uut", transport: { type: "tcp", host: "127.0.0.1", port: 5025 } }],
    });
    expect(() => createInstrument(config.instruments[0]!, new DriverCatalog(), captureLogger())).toThrow(
      "instrument th-03: driver mqtt-json-sensor speaks mqtt-json, its transport must be mqtt, not tcp",
    );
  });
});
