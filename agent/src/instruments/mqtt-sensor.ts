import { type InstrumentDescriptor, type InstrumentRole, TelecalError } from "@telecal/protocols";
import { type JsonFieldSpec, readJsonMessage } from "../dialects/mqtt-json";
import type { DriverDefinition } from "../drivers/definition";
import type { Logger } from "../log";
import { type MqttTransport, topicMatches } from "../transports/mqtt";
import type { InstrumentEvents, InstrumentRuntime } from "./runtime";

export interface MqttSensorOptions {
  id: string;
  role: InstrumentRole;
}

/** Fills `{id}` in a topic or node id from the driver with the instrument's id. */
export function fillId(pattern: string, id: string): string {
  return pattern.replaceAll("{id}", id);
}

/** A payload as it appears in a message: text cut short, or hex for bytes that are not text. */
export function previewPayload(payload: Uint8Array, max = 64): string {
  const head = payload.subarray(0, max);
  const text = Buffer.from(head).toString("utf8");
  const printable = !text.includes("\ufffd") && head.every((b) => b >= 0x20 || b === 0x09 || b === 0x0a || b === 0x0d);
  const shown = printable ? text : Buffer.from(payload.subarray(0, max / 2)).toString("hex");
  return JSON.stringify(shown) + (payload.length > (printable ? max : max / 2) ? "..." : "");
}

/**
 * A sensor that publishes plain JSON on its own topic (dialect mqtt-json): every measurement of the
 * driver is a stream, read from each message at the driver's JSON paths. A message that gives no
 * number for a measurement is logged with TC_ERR_INSTRUMENT_REPLY, once per kind of problem.
 */
export class MqttSensor implements InstrumentRuntime {
  readonly id: string;
  readonly topic: string;
  private readonly fields: JsonFieldSpec[];
  private readonly lastProblem = new Map<string, string>();
  private events: InstrumentEvents | null = null;
  /** Readings given and messages refused since start, for status and tests. */
  readonly counts = { readings: 0, problems: 0 };

  constructor(
    readonly driver: DriverDefinition,
    readonly transport: MqttTransport,
    private readonly options: MqttSensorOptions,
    private readonly log: Logger,
  ) {
    this.id = options.id;
    this.topic = fillId(driver.mqtt?.topic ?? "", options.id);
    this.fields = Object.entries(driver.measurements).map(([name, m]) => {
      const field: JsonFieldSpec = { name, read: m.read, unit: m.unit };
      if (m.time !== undefined) field.time = m.time;
      if (m.unitAt !== undefined) field.unitAt = m.unitAt;
      return field;
    });
    transport.on("message", (topic, payload) => {
      if (topicMatches(this.topic, topic)) this.handle(topic, payload);
    });
  }

  streamId(measurement: string): string {
    return `${this.id}.${measurement}`;
  }

  describe(): InstrumentDescriptor {
    return {
      id: this.id,
      driver: this.driver.name,
      role: this.options.role,
      maker: "",
      model: "",
      serial: "",
      firmware: "",
      streams: Object.entries(this.driver.measurements).map(([name, m]) => ({
        id: this.streamId(name),
        quantity: m.quantity,
        unit: m.unit,
      })),
    };
  }

  start(events: InstrumentEvents): void {
    this.events = events;
    void this.transport.subscribe(this.topic);
    this.transport.open();
  }

  async stop(): Promise<void> {
    this.events = null;
    await this.transport.close();
  }

  /** One message: a reading per measurement found in it, a logged problem per one that is not. */
  handle(topic: string, payload: Uint8Array): void {
    const events = this.events;
    if (!events) return;
    const message = readJsonMessage(payload, this.fields);
    for (const problem of message.problems) {
      this.counts.problems++;
      if (this.lastProblem.get(problem.name) === problem.reason) continue;
      this.lastProblem.set(problem.name, problem.reason);
      const err = new TelecalError("TC_ERR_INSTRUMENT_REPLY", {
        instrument: this.id,
        reply: previewPayload(payload),
        command: `topic ${topic}`,
      });
      this.log.warn({ code: err.code, measurement: problem.name, reason: problem.reason }, err.message);
    }
    for (const reading of message.readings) {
      const m = this.driver.measurements[reading.name]!;
      this.lastProblem.delete(reading.name);
      this.counts.readings++;
      events.reading(this.streamId(reading.name), m.unit, { t: reading.t ?? events.now(), value: reading.value, flags: 0 });
    }
  }
}
