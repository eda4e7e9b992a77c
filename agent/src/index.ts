export { Agent } from "./agent";
export { AgentConfig, loadAgentConfig, parseAgentConfig } from "./config";
export { DriverCatalog, loadDriverFile } from "./drivers/catalog";
export { type Logger, silentLogger } from "./log";
export { AGENT_VERSION } from "./version";
export { type SimDefinition } from "./simulators/definition";
export { ScpiSimulator } from "./simulators/engine";
export { getSimDefinition, loadSimDefinitionFile, parseSimDefinition, simulatorNames } from "./simulators/catalog";
export { type SimServer, serveTcp } from "./simulators/tcp-server";
