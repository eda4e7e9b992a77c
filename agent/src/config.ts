import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { CLOCK_INSTRUMENT_ID, Id, InstrumentRole, TelecalError } from "@telecal/protocols";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { TransportConfig } from "./transports/config";

/** A week: longer than a lab takes to notice a server restored from an older backup. */
export const DEFAULT_RETENTION_HOURS = 168;

export const InstrumentConfig = z.strictObject({
  // The agent's own clock stream goes by this id (protocols/clock.ts).
  id: Id.refine((id) => id !== CLOCK_INSTRUMENT_ID, `'${CLOCK_INSTRUMENT_ID}' is reserved for the agent's clock`),
  driver: z.string().min(1),
  role: InstrumentRole,
  transport: TransportConfig,
  /** Name of one of the driver's measurements; the driver's default if absent. */
  measurement: z.string().optional(),
  intervalMs: z.number().int().min(20).max(3_600_000).default(500),
  /**
   * The bench's standing grant: a session's lease holder may command this instrument. Off unless the
   * lab says so here, on the bench PC, whatever the server allows (DESIGN.md, the agent's gate).
   */
  remoteControl: z.boolean().default(false),
});
export type InstrumentConfig = z.infer<typeof InstrumentConfig>;

export const AgentConfig = z.strictObject({
  version: z.literal(1),
  server: z.strictObject({ url: z.url({ protocol: /^https?$/ }) }),
  agent: z.strictObject({ id: Id, name: z.string().min(1).max(128) }),
  /**
   * Folder of the agent's own files (the outbox, outbox.db), relative to the config file; a config
   * file without it uses ./agent-data beside itself. A config built in code without it keeps the
   * outbox in memory.
   */
  dataDir: z.string().min(1).optional(),
  /**
   * The outbox: acknowledged readings stay `retentionHours` after their ack (default a week, 0 for
   * none), within the outbox's cap, so that a server that lost them (a restore from backup) gets them again.
   */
  outbox: z.strictObject({ retentionHours: z.number().min(0).max(24 * 366).default(DEFAULT_RETENTION_HOURS) }).optional(),
  /**
   * Least seconds between two asks for the server's record-log checkpoint, kept in the data dir as
   * checkpoint.json (evidence outside the lab server); default 60.
   */
  checkpointIntervalSeconds: z.number().int().min(1).max(86_400).optional(),
  /** Folders of extra driver definitions (YAML), relative to the config file. */
  driverPaths: z.array(z.string().min(1)).default([]),
  instruments: z.array(InstrumentConfig).max(256),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

export const DEFAULT_DATA_DIR = "./agent-data";

/**
 * Reads and validates an agent config file. Every error names the file, the line and the key, as a
 * lab admin editing YAML on the bench PC needs: `agent.yaml:7: instruments.0.transport.port: ...`.
 */
export function loadAgentConfig(file: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new TelecalError("TC_ERR_CONFIG_READ", { file, reason: (err as Error).message });
  }
  const config = parseAgentConfig(text, file);
  return {
    ...config,
    dataDir: resolve(dirname(file), config.dataDir ?? DEFAULT_DATA_DIR),
    driverPaths: config.driverPaths.map((p) => resolve(dirname(file), p)),
  };
}

export function parseAgentConfig(text: string, file: string): AgentConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  const yamlError = doc.errors[0];
  if (yamlError) {
    throw new TelecalError("TC_ERR_CONFIG_INVALID", {
      file,
      line: lineOf(yamlError.pos[0]),
      key: "(yaml)",
      reason: yamlError.message.split("\n")[0],
    });
  }
  const parsed = AgentConfig.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  // An unknown key is reported at the key itself; otherwise at the deepest node that exists.
  const unknown = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
  let line = 1;
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === "object" && "range" in node && node.range) {
      line = lineOf(node.range[0]);
      if (unknown !== undefined && isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === unknown);
        if (pair && isScalar(pair.key) && pair.key.range) line = lineOf(pair.key.range[0]);
      }
      break;
    }
  }
  const key = [...path, ...(unknown !== undefined ? [unknown] : [])].join(".") || "(root)";
  throw new TelecalError("TC_ERR_CONFIG_INVALID", { file, line, key, reason: issue.message });
}
