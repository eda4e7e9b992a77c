import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { type ClusterOptions, databaseUrlFor, isPostgresUrl, janusOptionsFrom, type RtcOptions, rtcOptionsFromEnv, startServer, Store, type WitnessOptions } from "@telecal/server";
import type { Command } from "commander";
import { refuseDemoPasswords } from "../demo-users";
import { cliLogger, logFormatOf } from "../logger";
import { parsePort } from "../options";

export interface ServerCliOptions {
  port: number;
  host: string;
  dataDir: string;
  database?: string;
  stun?: string;
  turn?: string;
  iceRelayOnly?: boolean;
  janus?: string;
  trustProxy?: string;
  allowedHosts?: string;
  sessionIdle?: string;
  redis?: string;
  redisPrefix?: string;
  /** Serve demo users with the published password (telecal start; `telecal server --demo`). */
  demo?: boolean;
  recordsKey?: string;
  witnessOf?: string[];
  witnessInterval?: string;
  witnessKey?: string;
  /** pretty or json; default: pretty on a terminal, json otherwise (logger.ts). */
  logFormat?: string;
  /** Start on a log restored from a backup older than the last checkpoint, and record it. */
  acceptRestoredLog?: boolean;
}

const commaList = (value: string) => value.split(",").map((u) => u.trim()).filter((u) => u !== "");

/** STUN/TURN for the browsers' video: the options win over TELECAL_STUN_URLS and TELECAL_TURN_URLS; the secret is read from TELECAL_TURN_SECRET only, never argv. */
export function rtcOptionsOf(opts: ServerCliOptions, env: NodeJS.ProcessEnv = process.env): RtcOptions {
  const fromEnv = rtcOptionsFromEnv(env);
  return {
    ...fromEnv,
    ...(opts.stun === undefined ? {} : { stunUrls: commaList(opts.stun) }),
    ...(opts.turn === undefined ? {} : { turnUrls: commaList(opts.turn) }),
    ...(opts.iceRelayOnly ? { iceTransportPolicy: "relay" as const } : {}),
  };
}

/** The idle timeout of sessions: the option wins over TELECAL_SESSION_IDLE_MINUTES; default 30 min. */
function idleOf(opts: ServerCliOptions): { sessionIdleMs?: number } {
  const raw = opts.sessionIdle ?? process.env["TELECAL_SESSION_IDLE_MINUTES"];
  if (raw === undefined || raw === "") return {};
  const minutes = Number(raw);
  if (!Number.isFinite(minutes) || minutes < 0) throw new Error(`--session-idle ${raw}: give minutes, 0 or more`);
  return { sessionIdleMs: minutes * 60_000 };
}

/** Several processes as one platform: Redis from the option or REDIS_URL, on PostgreSQL only. */
function clusterOf(opts: ServerCliOptions, databaseUrl: string | undefined): { cluster?: ClusterOptions } {
  const redisUrl = opts.redis ?? (process.env["REDIS_URL"] || undefined);
  if (redisUrl === undefined) return {};
  // Each process would open its own SQLite file: they would not be one platform.
  if (databaseUrl === undefined || !isPostgresUrl(databaseUrl)) throw new Error("--redis: several server processes share one PostgreSQL; give --database postgres://... (or DATABASE_URL)");
  const prefix = opts.redisPrefix ?? (process.env["TELECAL_REDIS_PREFIX"] || undefined);
  return { cluster: { redisUrl, ...(prefix === undefined ? {} : { prefix }) } };
}

/** Janus from --janus or TELECAL_JANUS_URL; its keys from the environment only, never argv. */
function janusOf(opts: ServerCliOptions): { janus?: ReturnType<typeof janusOptionsFrom> } {
  const janus = janusOptionsFrom(opts.janus, process.env);
  return janus ? { janus } : {};
}

/** Lab servers to witness: the options win over TELECAL_WITNESS_OF (comma-separated). */
export function witnessOptionsOf(opts: ServerCliOptions, env: NodeJS.ProcessEnv = process.env): WitnessOptions {
  const of = opts.witnessOf?.length ? opts.witnessOf : commaList(env["TELECAL_WITNESS_OF"] ?? "");
  for (const url of of) if (!/^https?:\/\/[^/]/.test(url)) throw new Error(`--witness-of ${url}: give the lab server's address, http(s)://host[:port]`);
  const raw = opts.witnessInterval ?? env["TELECAL_WITNESS_INTERVAL_SECONDS"];
  const seconds = raw === undefined || raw === "" ? undefined : Number(raw);
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds >= 0)) throw new Error(`--witness-interval ${raw}: give seconds, 0 or more`);
  return { of, ...(seconds === undefined ? {} : { intervalMs: seconds * 1000 }), ...(opts.witnessKey === undefined ? {} : { keyPath: resolve(opts.witnessKey) }) };
}

export function addServerOptions(command: Command, host = "0.0.0.0"): Command {
  return command
    .option("--port <port>", "HTTP and socket.io port", parsePort, 8080)
    .option("--log-format <format>", "log lines as pretty (one readable line each) or json (default: TELECAL_LOG_FORMAT, else pretty on a terminal, json otherwise)")
    .option("--host <host>", "address to listen on", host)
    .option("--data-dir <dir>", "where telecal keeps its data (the SQLite file telecal.db)", "./data")
    .option("--database <url>", "postgres://... to keep the data in PostgreSQL instead (default: DATABASE_URL)")
    .option("--stun <urls>", "STUN URLs for video, comma-separated (default: TELECAL_STUN_URLS)")
    .option("--turn <urls>", "coturn URLs for video, comma-separated; the secret in TELECAL_TURN_SECRET (default: TELECAL_TURN_URLS)")
    .option("--janus <url>", "Janus's HTTP API for course video (VideoRoom), its admin_key in TELECAL_JANUS_ROOM_KEY (default: TELECAL_JANUS_URL; none: the mesh, 4 people at most)")
    .option("--ice-relay-only", "browsers send video through TURN only (default: TELECAL_ICE_TRANSPORT_POLICY=relay)")
    .option("--trust-proxy <addresses>", "reverse proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For is believed")
    .option("--session-idle <minutes>", "end a session unused for this long, 0 for never (default: TELECAL_SESSION_IDLE_MINUTES, else 30)")
    .option("--redis <url>", "redis://... joining other server processes on one PostgreSQL as one platform (default: REDIS_URL)")
    .option("--redis-prefix <prefix>", "prefix of telecal's keys in Redis, for platforms sharing one (default: TELECAL_REDIS_PREFIX, else telecal)")
    .option("--records-key <file>", "the record log's Ed25519 key file, e.g. outside the data dir (default: TELECAL_RECORDS_KEY, else records-key.pem in the data dir)")
    .option("--witness-of <url>", "witness the record log of the lab server at this address; repeat for several (default: TELECAL_WITNESS_OF)", (url: string, all: string[] = []) => [...all, url])
    .option("--witness-interval <seconds>", "how often each witnessed log is looked at (default: TELECAL_WITNESS_INTERVAL_SECONDS, else 60)")
    .option("--witness-key <file>", "this witness's Ed25519 key file (default: TELECAL_WITNESS_KEY, else witness-key.pem in the data dir)")
    .option("--accept-restored-log", "start on a record log older than the last checkpoint this server signed (a restore from backup), recording it in the log")
    .option("--allowed-hosts <names>", "host names the server answers to, comma-separated (default: TELECAL_ALLOWED_HOSTS, else localhost, TELECAL_PUBLIC_URL's host and --host)");
}

export async function runServer(opts: ServerCliOptions) {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const databaseUrl = opts.database ?? (process.env["DATABASE_URL"] || undefined);
  // Origins besides the server's own whose pages may open sockets, e.g. the Vite dev server.
  const allowedOrigins = (process.env["TELECAL_ALLOWED_ORIGINS"] ?? "").split(",").map((o) => o.trim()).filter((o) => o !== "");
  if (!opts.demo) {
    const store = await Store.open(databaseUrlFor({ dataDir, databaseUrl }));
    try {
      await refuseDemoPasswords(store);
    } finally {
      await store.close();
    }
  }
  const server = await startServer({ port: opts.port, host: opts.host, logger: cliLogger("server", "info", logFormatOf(opts.logFormat)), dataDir, databaseUrl, records: { ...(opts.recordsKey === undefined ? {} : { keyPath: resolve(opts.recordsKey) }), acceptRestoredLog: opts.acceptRestoredLog ?? false }, witness: witnessOptionsOf(opts), auth: { allowedOrigins, ...idleOf(opts) }, rtc: rtcOptionsOf(opts), ...janusOf(opts), trustProxy: commaList(opts.trustProxy ?? ""), allowedHosts: commaList(opts.allowedHosts ?? process.env["TELECAL_ALLOWED_HOSTS"] ?? ""), ...clusterOf(opts, databaseUrl) });
  return { server, dataDir, database: server.store.where };
}

export function serverCommand(program: Command): void {
  addServerOptions(program.command("server").description("run the central server / 运行中心服务器"))
    .option("--demo", "serve users that still have the demo password (a data dir made by telecal start)")
    .action(
    async (opts: ServerCliOptions) => {
      const { server } = await runServer(opts);
      process.stdout.write(`telecal server at ${server.url}\n`);
      const stop = () => void server.close().then(() => process.exit(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    },
  );
}
