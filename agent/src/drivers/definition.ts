import { z } from "zod";
import { SerialSettings } from "../transports/serial-settings";

/** One quantity the driver reads: the setting that selects it and the query that reads it. */
export const MeasurementDefinition = z.strictObject({
  quantity: z.string().min(1),
  /** SI unit symbol of the value. */
  unit: z.string().min(1),
  /** Setting sent once before reading (checked against the error queue in SCPI). */
  configure: z.string().optional(),
  /** Query whose reply holds the value; MQTT sensors: JSON path of the value, or Sparkplug metric name. */
  read: z.string().min(1),
  /** mqtt-json: JSON path of the time stamp (UTC epoch ms or s, or ISO 8601); arrival time if absent. */
  time: z.string().optional(),
  /** mqtt-json: JSON path of the unit the sensor states; a reading in another unit is refused. */
  unitAt: z.string().optional(),
  /** Name of a reply parser (drivers/parsers.ts). */
  parse: z.string().default("scpi-number"),
});
export type MeasurementDefinition = z.infer<typeof MeasurementDefinition>;

/** A setting the operator or a procedure can change: `set` with {value}, read back with `get`. */
export const PropertyDefinition = z.strictObject({
  get: z.string().optional(),
  set: z.string().optional(),
  parse: z.string().default("scpi-number"),
  unit: z.string().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** Allowed words, for a property that is not a number (OPER, STBY). */
  values: z.array(z.string()).optional(),
});
export type PropertyDefinition = z.infer<typeof PropertyDefinition>;

/**
 * What a session's remote commands map to (docs/protocol.md, Sessions): a set point by its unit to
 * the property that takes it, and output on/off to a property's two words. A driver without it
 * answers remote commands as unsupported.
 */
export const ControlDefinition = z.strictObject({
  /** SI unit → property: `{kind: "set", value, unit}` sets that property. */
  setpoints: z.record(z.string(), z.string()).default({}),
  output: z.strictObject({ property: z.string(), on: z.string(), off: z.string() }).optional(),
});
export type ControlDefinition = z.infer<typeof ControlDefinition>;

/** Where an MQTT sensor publishes; `{id}` stands for the instrument's id in the agent config. */
export const MqttDriverSection = z.strictObject({
  /** mqtt-json: topic of the sensor's messages ("lab/env/{id}/state"). */
  topic: z.string().min(1).optional(),
  /** sparkplug: the edge node's group id and edge node id. */
  groupId: z.string().min(1).optional(),
  edgeNodeId: z.string().min(1).optional(),
});
export type MqttDriverSection = z.infer<typeof MqttDriverSection>;

/**
 * A driver is data: how to recognise the instrument, how to reach it, what it measures and what can
 * be set (PyMeasure's `control()`, QCoDeS parameters). A new instrument family is a new YAML file in
 * drivers/defs/ (or in a folder named by the agent config), not a new code path.
 */
export const DriverDefinition = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string(),
    dialect: z.enum(["scpi", "mt-sics", "line", "mqtt-json", "sparkplug"]),
    identity: z
      .strictObject({
        query: z.string().default("*IDN?"),
        /** Regular expression matched against the reply. */
        match: z.string(),
        /** How the reply reads: IEEE 488.2 "maker,model,serial,firmware", or MT-SICS I2 ('I2 A "model"'). */
        parse: z.enum(["idn", "mt-sics"]).default("idn"),
        /** A second query whose quoted reply is the serial number (MT-SICS I4). */
        serialQuery: z.string().optional(),
      })
      .optional(),
    /** SCPI: the query that reads the error queue (Fluke 5522A: ERR?). */
    errorQuery: z.string().default("SYST:ERR?"),
    transport: z.strictObject({
      tcpPort: z.number().int().min(1).max(65_535).optional(),
      serial: SerialSettings.optional(),
      terminator: z.enum(["\n", "\r\n", "\r"]).default("\n"),
      timeoutMs: z.number().int().positive().default(5000),
    }).prefault({}),
    /** For the MQTT dialects (mqtt-json, sparkplug). */
    mqtt: MqttDriverSection.optional(),
    measurements: z.record(z.string(), MeasurementDefinition),
    properties: z.record(z.string(), PropertyDefinition).default({}),
    control: ControlDefinition.optional(),
    defaultMeasurement: z.string(),
  })
  .superRefine((d, ctx) => {
    if (!(d.defaultMeasurement in d.measurements)) {
      ctx.addIssue({ code: "custom", path: ["defaultMeasurement"], message: `no measurement ${d.defaultMeasurement}` });
    }
    for (const [unit, property] of Object.entries(d.control?.setpoints ?? {})) {
      if (d.properties[property]?.set === undefined) ctx.addIssue({ code: "custom", path: ["control", "setpoints", unit], message: `no settable property ${property}` });
    }
    const output = d.control?.output;
    if (output && !(d.properties[output.property]?.set !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["control", "output", "property"], message: `no settable property ${output.property}` });
    }
    if (d.dialect === "mqtt-json" && !d.mqtt?.topic) {
      ctx.addIssue({ code: "custom", path: ["mqtt", "topic"], message: "an mqtt-json driver names its topic" });
    }
    if (d.dialect === "sparkplug" && !(d.mqtt?.groupId && d.mqtt.edgeNodeId)) {
      ctx.addIssue({ code: "custom", path: ["mqtt"], message: "a sparkplug driver names groupId and edgeNodeId" });
    }
  });
export type DriverDefinition = z.infer<typeof DriverDefinition>;
