import { z } from "zod";

/** How a simulated quantity moves: a nominal value, Gaussian noise, and a linear drift. */
export const SimSignal = z.strictObject({
  nominal: z.number(),
  /** Standard deviation of the noise, in the function's unit. */
  noise: z.number().nonnegative().default(0),
  /** Drift in the function's unit per hour. */
  driftPerHour: z.number().default(0),
});

export const SimFunction = z.strictObject({
  unit: z.string(),
  /** Largest magnitude the function measures; beyond it the reading is an overload (9.9E37). */
  maxRange: z.number().positive(),
  signal: SimSignal,
});

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
  "noop",
]);
export type SimAction = z.infer<typeof SimAction>;

export const SimCommand = z.strictObject({
  /** SCPI header pattern as in the manual: "CONFigure:VOLTage[:DC]", "*IDN?". */
  header: z.string().min(1),
  do: SimAction,
  /** For `reply`. */
  text: z.string().optional(),
  /** For `configure` and `measure`. */
  function: z.string().optional(),
  /** Time the instrument takes to answer. */
  delayMs: z.number().nonnegative().default(0),
});

/**
 * A simulated instrument, as data: its identity, dialogue and behaviour. One engine serves any
 * definition; a new simulated family is a new YAML file in defs/.
 */
export const SimDefinition = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string(),
    dialect: z.literal("scpi"),
    identity: z.string(),
    terminator: z.enum(["\n", "\r\n", "\r"]).default("\n"),
    defaultTcpPort: z.number().int().min(1).max(65_535),
    errorQueueSize: z.number().int().min(1).default(20),
    functions: z.record(z.string(), SimFunction),
    initialFunction: z.string(),
    commands: z.array(SimCommand).min(1),
  })
  .superRefine((d, ctx) => {
    if (!(d.initialFunction in d.functions)) {
      ctx.addIssue({ code: "custom", path: ["initialFunction"], message: `no function ${d.initialFunction}` });
    }
    d.commands.forEach((c, i) => {
      if (c.function !== undefined && !(c.function in d.functions)) {
        ctx.addIssue({ code: "custom", path: ["commands", i, "function"], message: `no function ${c.function}` });
      }
    });
  });
export type SimDefinition = z.infer<typeof SimDefinition>;
