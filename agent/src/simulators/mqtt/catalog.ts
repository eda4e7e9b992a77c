import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TelecalError, validationError } from "@telecal/protocols";
import { parse } from "yaml";
import { MQTT_SIM_DIALECTS, MqttSimDefinition } from "./definition";

const DEFS_DIR = fileURLToPath(new URL("../defs/", import.meta.url));

/** Whether a parsed simulator definition is one of an MQTT device (by its `dialect`). */
export function isMqttSimData(data: unknown): boolean {
  const dialect = data !== null && typeof data === "object" ? (data as { dialect?: unknown }).dialect : undefined;
  return typeof dialect === "string" && MQTT_SIM_DIALECTS.includes(dialect);
}

export function isMqttSimFile(file: string): boolean {
  try {
    return isMqttSimData(parse(readFileSync(file, "utf8")));
  } catch {
    return false;
  }
}

/** Names of the MQTT simulators shipped in defs/. */
export function mqttSimulatorNames(): string[] {
  return readdirSync(DEFS_DIR)
    .filter((f) => f.endsWith(".yaml") && isMqttSimFile(`${DEFS_DIR}${f}`))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();
}

export function parseMqttSimDefinition(data: unknown, source: string): MqttSimDefinition {
  const parsed = MqttSimDefinition.safeParse(data);
  if (!parsed.success) throw validationError(`simulator definition ${source}`, parsed.error);
  return parsed.data;
}

export function loadMqttSimDefinitionFile(file: string): MqttSimDefinition {
  return parseMqttSimDefinition(parse(readFileSync(file, "utf8")), file);
}

export function getMqttSimDefinition(name: string): MqttSimDefinition {
  if (!mqttSimulatorNames().includes(name)) throw new TelecalError("TC_ERR_UNKNOWN_SIMULATOR", { name });
  return loadMqttSimDefinitionFile(`${DEFS_DIR}${name}.yaml`);
}
