import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { startServer } from "@telecal/server";
import type { Command } from "commander";
import { cliLogger } from "../logger";
import { parsePort } from "../options";

export interface ServerCliOptions {
  port: number;
  host: string;
  dataDir: string;
  database?: string;
}

export function addServerOptions(command: Command): Command {
  return command
    .option("--port <port>", "HTTP and socket.io port", parsePort, 8080)
    .option("--host <host>", "address to listen on", "0.0.0.0")
    .option("--data-dir <dir>", "where telecal keeps its data (the SQLite file telecal.db)", "./data")
    .option("--database <url>", "postgres://... to keep the data in PostgreSQL instead (default: DATABASE_URL)");
}

export async function runServer(opts: ServerCliOptions) {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const databaseUrl = opts.database ?? (process.env["DATABASE_URL"] || undefined);
  // Origins besides the server's own whose pages may open sockets, e.g. the Vite dev server.
  const allowedOrigins = (process.env["TELECAL_ALLOWED_ORIGINS"] ?? "").split(",").map((o) => o.trim()).filter((o) => o !== "");
  const server = await startServer({ port: opts.port, host: opts.host, logger: cliLogger("server"), dataDir, databaseUrl, auth: { allowedOrigins } });
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
