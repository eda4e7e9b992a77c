export { DEFAULT_WEB_ROOT, type ServerOptions, startServer, type TelecalServer } from "./app";
export { Hub } from "./realtime/hub";
export type { AgentRecord } from "./store/agents-repository";
export { DATABASE_FILE, databaseUrlFor, isPostgresUrl, redactUrl } from "./store/db";
export { MIGRATIONS } from "./store/migrate";
export type { BatchStored, StoredReading } from "./store/readings-repository";
export { Store, type StoreOptions } from "./store/store";
export type { StreamRecord } from "./store/streams-repository";
export { SERVER_VERSION } from "./version";
