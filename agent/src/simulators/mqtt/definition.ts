import { z } from "zod";

/** How a simulated quantity moves: a nominal value, Gaussian noise and a linear drift. */
export const MqttSimSignal = z.strictObject({
  nominal: z.number(),
  /** Standard deviation of the noise, in the quantity's unit. */
  noise: z.number().nonnegative().default(0),
  /** Drift in the quantity's unit per hour. */
  driftPerHour: z.number().default(0),
  /** Digits after the point that the device reports. */
  decimals: z.number().int().min(0).max(12).default(3),
});
export type MqttSimSignal = z.infer<typeof MqttSimSignal>;

/** Faults, each with the probability that one publication suffers it. */
export const MqttSimFaults = z.strictObject({
  /** Publishes bytes that mean nothing instead of the message. */
  garbage: z.number().min(0).max(1).default(0),
  /** Sparkplug: skips a seq number, as if one NDATA were lost. */
  skipSeq: z.number().min(0).max(1).default(0),
});
export type MqttSimFaults = z.infer<typeof MqttSimFaults>;

const NO_FAULTS = { garbage: 0, skipSeq: 0 };

const common = {
  name: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string(),
  /** Time between two publications. */
  intervalMs: z.number().int().min(10).default(1000),
  faults: MqttSimFaults.default(NO_FAULTS),
};

/** A sensor publishing one JSON message per interval on its topic; `{id}` is the device id. */
export const MqttJsonSimDefinition = z.strictObject({
  ...common,
  dialect: z.literal("mqtt-json"),
  deviceId: z.string().regex(/^[A-Za-z0-9._-]+$/),
  topic: z.string().min(1),
  /** Where the time stamp goes, and how it is written. */
  time: z.strictObject({ path: z.string(), format: z.enum(["iso", "ms", "s"]).default("iso") }).optional(),
  /** Constant members of every message (battery, firmware...). */
  extra: z.record(z.string(), z.json()).default({}),
  fields: z.record(
    z.string(),
    z.strictObject({
      /** JSON path of the value. */
      path: z.string(),
      unit: z.string(),
      /** JSON path where the unit is written, if the device writes it. */
      unitPath: z.string().optional(),
      signal: MqttSimSignal,
    }),
  ),
});
export type MqttJsonSimDefinition = z.infer<typeof MqttJsonSimDefinition>;

export const SparkplugMetricType = z.enum(["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float", "Double", "Boolean"]);

/** A Sparkplug B edge node: NBIRTH on connect, NDATA per interval, NDEATH as its will. */
export const SparkplugSimDefinition = z.strictObject({
  ...common,
  dialect: z.literal("sparkplug"),
  groupId: z.string().regex(/^[^/+#]+$/),
  edgeNodeId: z.string().regex(/^[^/+#]+$/),
  metrics: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        /** Sent in NBIRTH; NDATA then names the metric by alias only. */
        alias: z.number().int().nonnegative().optional(),
        type: SparkplugMetricType.default("Double"),
        /** Engineering unit, sent as the metric property engUnit. */
        unit: z.string().optional(),
        signal: MqttSimSignal,
      }),
    )
    .min(1),
});
export type SparkplugSimDefinition = z.infer<typeof SparkplugSimDefinition>;

/** A simulated MQTT device, as data; one YAML file in simulators/defs/ per device family. */
export const MqttSimDefinition = z.discriminatedUnion("dialect", [MqttJsonSimDefinition, SparkplugSimDefinition]);
export type MqttSimDefinition = z.infer<typeof MqttSimDefinition>;

/** Dialects whose simulators publish to a broker rather than answer on a port. */
export const MQTT_SIM_DIALECTS: readonly string[] = ["mqtt-json", "sparkplug"];
