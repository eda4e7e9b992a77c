import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TelecalError, validationError } from "@telecal/protocols";
import { parse } from "yaml";
import { SimDefinition } from "./definition";
import { isMqttSimFile } from "./mqtt/catalog";

const DEFS_DIR = fileURLToPath(new URL("./defs/", import.meta.url));

/** Names of the simulators shipped in defs/, one YAML file each; MQTT ones: mqtt/catalog.ts. */
export function simulatorNames(): string[] {
  return readdirSync(DEFS_DIR)
    .filter((f) => f.endsWith(".yaml") && !isMqttSimFile(`${DEFS_DIR}${f}`))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();
}

/** Validates a simulator definition given as parsed YAML or JSON. */
export function parseSimDefinition(data: unknown, source: string): SimDefinition {
  const parsed = SimDefinition.safeParse(data);
  if (!parsed.success) throw validationError(`simulator definition ${source}`, parsed.error);
  return parsed.data;
}

export function loadSimDefinitionFile(file: string): SimDefinition {
  return parseSimDefinition(parse(readFileSync(file, "utf8")), file);
}

export function getSimDefinition(name: string): SimDefinition {
  if (!simulatorNames().includes(name)) throw new TelecalError("TC_ERR_UNKNOWN_SIMULATOR", { name });
  return loadSimDefinitionFile(`${DEFS_DIR}${name}.yaml`);
}
