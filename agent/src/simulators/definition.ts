import { z } from "zod";
import { SerialSettings } from "../transports/serial-settings";

/** A setting of the simulated instrument: a number with limits, or one of a set of words. */
export const SimProperty = z.strictObject({
  initial: z.union([z.number(), z.string()]),
  min: z.number().optional(),
  max: z.number().optional(),
  /** Allowed words (upper case); a word property accepts any case. */
  values: z.array(z.string()).optional(),
  /** Unit symbol a parameter may carry ("OUT 10 V", "OUT 1 kHz"); SI prefixes are understood. */
  unit: z.string().optional(),
  /** Limits that other properties set (a calibrator's user LIMIT): value must lie within them. */
  minFrom: z.string().optional(),
  maxFrom: z.string().optional(),
});
export type SimProperty = z.infer<typeof SimProperty>;

const SimCondition = z.strictObject({ property: z.string(), equals: z.union([z.number(), z.string()]) });

/** Where a signal's true value comes from, beside its own nominal value. */
export const SimSource = z.strictObject({
  /** Another simulator in the same process (the DMM reads what the calibrator outputs). */
  simulator: z.string().optional(),
  property: z.string(),
  /** The source counts only while this property has this value (calibrator in OPER), or while all of a list hold. */
  when: z.union([SimCondition, z.array(SimCondition).min(1)]).optional(),
});

/** How a simulated quantity moves: true value, Gaussian noise, drift, and settling after a change. */
export const SimFunction = z.strictObject({
  unit: z.string(),
  /** Largest magnitude measured; beyond 1.2 times it the reading is an overload. */
  maxRange: z.number().positive(),
  signal: z.strictObject({
    /** True value when no source applies (no source, or its simulator is not in this process). */
    nominal: z.number().default(0),
    source: SimSource.optional(),
    /** With a source that applies: the instrument's own error added to the source's value. */
    offset: z.number().default(0),
    /** With a source that applies: the instrument's own relative error (2e-5: it reads 20 ppm high). */
    gain: z.number().default(0),
    /** With a source whose `when` does not hold (calibrator in standby): the true value. */
    otherwise: z.number().optional(),
    /** Standard deviation of the noise, in the function's unit. */
    noise: z.number().nonnegative().default(0),
    /** Further noise in proportion to the value (a resistance range's noise grows with the range). */
    relNoise: z.number().nonnegative().default(0),
    driftPerHour: z.number().default(0),
    /** Time constant of the approach to a new true value; readings within 5 of them are unstable. */
    settleMs: z.number().nonnegative().default(0),
  }),
});
export type SimFunction = z.infer<typeof SimFunction>;

export const SimAction = z.enum([
  "identity",
  "reset",
  "clear",
  "reply",
  "error-next",
  "configure",
  "configure-query",
  "measure",
  "read",
  "read-block",
  "set",
  "get",
  "esr-query",
  "stb-query",
  "noop",
]);
export type SimAction = z.infer<typeof SimAction>;

export const SimCommand = z.strictObject({
  /**
   * SCPI: a header pattern as in the manual ("CONFigure:VOLTage[:DC]"). Other dialects: the exact
   * command, or a regular expression starting with ^ whose groups are the parameters.
   */
  header: z.string().min(1),
  do: SimAction,
  /** Reply template: {value}, {value:.4f}, {value:10.2f}, {value:E} (SCPI number), {stability},
   * {unit}, {<property>}, {<property>:E}. `reply` and `get` use it as is; reads format the value. */
  format: z.string().optional(),
  /** For `configure`, `measure`, `read`: the function; default the current one. */
  function: z.string().optional(),
  /** For `set`: the properties that the parameters fill, in order. */
  properties: z.array(z.string()).optional(),
  /** For `set` without parameters: the value to set (OPER, STBY). */
  value: z.union([z.number(), z.string()]).optional(),
  /** For `set`: values given to properties before the parameters ("OUT 10 V" is DC: 0 Hz). */
  defaults: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  /**
   * The command applies only when its first parameter carries this unit, with or without an SI
   * prefix ("OUT 1 kOHM" sets a resistance, "OUT 10 V" a voltage); the first that applies is run.
   */
  paramUnit: z.string().optional(),
  /** The command applies only while this property has this value ("OUT?" answers in the function the output is in). */
  when: SimCondition.optional(),
  /** For reads: the reply when the value is beyond the range (MT-SICS "S +"); SCPI sends 9.9E37. */
  overloadFormat: z.string().optional(),
  /** Time the instrument takes to answer. */
  delayMs: z.number().nonnegative().default(0),
});
export type SimCommand = z.infer<typeof SimCommand>;

/** Faults a simulator can show, each with the probability that one command suffers it. */
export const SimFaults = z.strictObject({
  /** Answers late, by delayMs. */
  busy: z.number().min(0).max(1).default(0),
  busyDelayMs: z.number().nonnegative().default(2000),
  /** Answers bytes that mean nothing. */
  garbage: z.number().min(0).max(1).default(0),
  /** Never answers. */
  stall: z.number().min(0).max(1).default(0),
  /** Drops the connection. */
  drop: z.number().min(0).max(1).default(0),
});
export type SimFaults = z.infer<typeof SimFaults>;

/**
 * A simulated instrument, as data: identity, dialogue, settings, signals, timing and faults. One
 * engine serves any definition; a new simulated family is a new YAML file.
 */
export const SimDefinition = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string(),
    dialect: z.enum(["scpi", "mt-sics", "line"]),
    identity: z.string(),
    terminator: z.enum(["\n", "\r\n", "\r"]).default("\n"),
    defaultTcpPort: z.number().int().min(1).max(65_535).optional(),
    serial: SerialSettings.optional(),
    errorQueueSize: z.number().int().min(1).default(20),
    /** Dialects without an error queue answer an unknown command at once with this (MT-SICS "ES"). */
    unknownReply: z.string().optional(),
    /** Reply to a parameter out of range, for dialects without an error queue (MT-SICS "EL"). */
    rangeReply: z.string().optional(),
    properties: z.record(z.string(), SimProperty).default({}),
    functions: z.record(z.string(), SimFunction),
    initialFunction: z.string(),
    commands: z.array(SimCommand).min(1),
    /** Self-sending mode: while `property` equals `equals`, a reading is sent every intervalMs. */
    autoSend: z
      .strictObject({
        property: z.string(),
        equals: z.union([z.number(), z.string()]),
        intervalMs: z.number().positive(),
        format: z.string(),
      })
      .optional(),
    faults: SimFaults.default({ busy: 0, busyDelayMs: 2000, garbage: 0, stall: 0, drop: 0 }),
  })
  .superRefine((d, ctx) => {
    if (!(d.initialFunction in d.functions)) {
      ctx.addIssue({ code: "custom", path: ["initialFunction"], message: `no function ${d.initialFunction}` });
    }
    d.commands.forEach((c, i) => {
      if (c.function !== undefined && !(c.function in d.functions)) {
        ctx.addIssue({ code: "custom", path: ["commands", i, "function"], message: `no function ${c.function}` });
      }
      for (const p of c.properties ?? []) {
        if (!(p in d.properties)) ctx.addIssue({ code: "custom", path: ["commands", i, "properties"], message: `no property ${p}` });
      }
    });
    if (d.autoSend && !(d.autoSend.property in d.properties)) {
      ctx.addIssue({ code: "custom", path: ["autoSend", "property"], message: `no property ${d.autoSend.property}` });
    }
  });
export type SimDefinition = z.infer<typeof SimDefinition>;
