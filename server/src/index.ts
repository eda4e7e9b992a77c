export { DEFAULT_WEB_ROOT, type ServerOptions, startServer, type TelecalServer } from "./app";
export { Hub } from "./realtime/hub";
export { SERVER_VERSION } from "./version";
