import { z } from "zod";
import { SerialSettings } from "../transports/serial-settings";

/** One quantity the driver reads: the setting that selects it and the query that reads it. */
export const MeasurementDefinition = z.strictObject({
  quantity: z.string().min(1),
  /** SI unit symbol of the value. */
  unit: z.string().min(1),
  /** Setting sent once before reading (checked against the error queue in SCPI). */
  configure: z.string().optional(),
  /** Query whose reply holds the value. */
  read: z.string().min(1),
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
});
export type PropertyDefinition = z.infer<typeof PropertyDefinition>;

/**
 * A driver is data: how to recognise the instrument, how to reach it, what it measures and what can
 * be set (PyMeasure's `control()`, QCoDeS parameters). A new instrument family is a new YAML file in
 * drivers/defs/ (or in a folder named by the agent config), not a new code path.
 */
export const DriverDefinition = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string(),
    dialect: z.enum(["scpi", "mt-sics", "line"]),
    identity: z
      .strictObject({
        query: z.string().default("*IDN?"),
        /** Regular expression matched against the reply. */
        match: z.string(),
      })
      .optional(),
    transport: z.strictObject({
      tcpPort: z.number().int().min(1).max(65_535).optional(),
      serial: SerialSettings.optional(),
      terminator: z.enum(["\n", "\r\n", "\r"]).default("\n"),
      timeoutMs: z.number().int().positive().default(5000),
    }),
    measurements: z.record(z.string(), MeasurementDefinition),
    properties: z.record(z.string(), PropertyDefinition).default({}),
    defaultMeasurement: z.string(),
  })
  .superRefine((d, ctx) => {
    if (!(d.defaultMeasurement in d.measurements)) {
      ctx.addIssue({ code: "custom", path: ["defaultMeasurement"], message: `no measurement ${d.defaultMeasurement}` });
    }
  });
export type DriverDefinition = z.infer<typeof DriverDefinition>;
