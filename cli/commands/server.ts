import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { type RtcOptions, rtcOptionsFromEnv, startServer } from "@telecal/server";
import type { Command } from "commander";
import { cliLogger } from "../logger";
import { parsePort } from "../options";

export interface ServerCliOptions {
  port: number;
  host: string;
  dataDir: string;
  database?: string;
  stun?: string;
  turn?: string;
  iceRelayOnly?: boolean;
}

const urlList = (value: string) => value.split(",").map((u) => u.trim()).filter((u) => u !== "");

/** STUN/TURN for the browsers' video: the options win over TELECAL_STUN_URLS and TELECAL_TURN_URLS; the secret is read from TELECAL_TURN_SECRET only, never argv. */
export function rtcOptionsOf(opts: ServerCliOptions, env: NodeJS.ProcessEnv = process.env): RtcOptions {
  const fromEnv = rtcOptionsFromEnv(env);
  return {
    ...fromEnv,
    ...(opts.stun === undefined ? {} : { stunUrls: urlList(opts.stun) }),
    ...(opts.turn === undefined ? {} : { turnUrls: urlList(opts.turn) }),
    ...(opts.iceRelayOnly ? { iceTransportPolicy: "relay" as const } : {}),
  };
}

export function addServerOptions(command: Command): Command {
  return command
    .option("--port <port>", "HTTP and socket.io port", parsePort, 8080)
    .option("--host <host>", "address to listen on", "0.0.0.0")
    .option("--data-dir <dir>", "where telecal keeps its data (the SQLite file telecal.db)", "./data")
    .option("--database <url>", "postgres://... to keep the data in PostgreSQL instead (default: DATABASE_URL)")
    .option("--stun <urls>", "STUN URLs for video, comma-separated (default: TELECAL_STUN_URLS)")
    .option("--turn <urls>", "coturn URLs for video, comma-separated; the secret in TELECAL_TURN_SECRET (default: TELECAL_TURN_URLS)")
    .option("--ice-relay-only", "browsers send video through TURN only (default: TELECAL_ICE_TRANSPORT_POLICY=relay)");
}

export async function runServer(opts: ServerCliOptions) {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const databaseUrl = opts.database ?? (process.env["DATABASE_URL"] || undefined);
  // Origins besides the server's own whose pages may open sockets, e.g. the Vite dev server.
  const allowedOrigins = (process.env["TELECAL_ALLOWED_ORIGINS"] ?? "").split(",").map((o) => o.trim()).filter((o) => o !== "");
  const server = await startServer({ port: opts.port, host: opts.host, logger: cliLogger("server"), dataDir, databaseUrl, auth: { allowedOrigins }, rtc: rtcOptionsOf(opts) });
  return { server, dataDir, database: server.store.where };
}

export function serverCommand(program: Command): void {
  addServerOptions(program.command("server").description("run the central server / 运行中心服务器")).action(
    async (opts: ServerCliOptions) => {
      const { server } = await runServer(opts);
      process.stdout.write(`telecal server at ${server.url}\n`);
      const stop = () => void server.close().then(() => process.exit(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    },
  );
}
