import { fileURLToPath } from "node:url";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { NAMESPACE } from "@telecal/protocols";
import { Server as IoServer } from "socket.io";
import { Auth, type AuthOptions, DEFAULT_AUTH_OPTIONS } from "./auth/auth";
import { guardAgentNamespace, guardUiNamespace } from "./auth/socket-auth";
import { agentRoutes } from "./http/agents";
import { authRoutes } from "./http/auth";
import { registerErrorHandler } from "./http/errors";
import { healthRoutes } from "./http/health";
import { instrumentRoutes } from "./http/instruments";
import { labRoutes } from "./http/labs";
import { recordsRoutes } from "./http/records";
import { registerOpenApi } from "./http/openapi";
import { jobRoutes } from "./http/jobs";
import { registryWarningRoutes } from "./http/registry-warnings";
import { streamRoutes } from "./http/streams";
import { userRoutes } from "./http/users";
import { registerWeb } from "./http/web";
import { attachAgentNamespace } from "./realtime/agent-namespace";
import { Hub } from "./realtime/hub";
import type { Checkpointer } from "./records/checkpoints";
import { type RecordsOptions, startRecords } from "./records/service";
import { attachUiNamespace } from "./realtime/ui-namespace";
import { JobService } from "./jobs/service";
import { loadProcedures } from "./procedures/catalog";
import { DEFAULT_DUE_SOON_DAYS } from "./registry/due-dates";
import { type RegistryOptions, RegistryService } from "./registry/service";
import { databaseUrlFor } from "./store/db";
import { Store } from "./store/store";

export interface ServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Folder of the built web app; null serves the API only. */
  webRoot?: string | null;
  /** A pino logger to use, or false for none (tests). */
  logger?: FastifyBaseLogger | boolean;
  /** Where the SQLite file telecal.db lives (created if missing). */
  dataDir?: string;
  /** postgres://... (or sqlite:FILE); wins over dataDir. Neither: an in-memory database, for tests. */
  databaseUrl?: string;
  /** The record log's signing key and checkpoint interval (docs/operations.md, Record log). */
  records?: RecordsOptions;
  /** Session length, socket origins besides the server's own, login rate limit. */
  auth?: Partial<AuthOptions>;
  /** When a reference standard counts as due soon (docs/registry.md). */
  registry?: Partial<RegistryOptions>;
  /** Folders of procedure files: the shipped ones when absent (a later folder's id wins). */
  procedureDirs?: string[];
}

export interface TelecalServer {
  app: FastifyInstance;
  io: IoServer;
  hub: Hub;
  store: Store;
  /** Signed checkpoints of the record log. */
  checkpoints: Checkpointer;
  auth: Auth;
  /** Labs, instruments, reference certificates; `assertUsableForJob` for new jobs. */
  registry: RegistryService;
  jobs: JobService;
  /** http://host:port once listening. */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL("../../web/dist", import.meta.url));

/** Builds fastify and socket.io on one port and starts listening. */
export async function startServer(options: ServerOptions = {}): Promise<TelecalServer> {
  const store = await Store.open(databaseUrlFor(options));
  const app = Fastify({
    logger: typeof options.logger === "object" ? undefined : (options.logger ?? true),
    loggerInstance: typeof options.logger === "object" ? options.logger : undefined,
    // Proxies and slow county links: keep connections honest but not hair-trigger.
    connectionTimeout: 60_000,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.log.info({ database: store.where, migrated: store.migrated }, "store open");
  registerErrorHandler(app);
  await registerOpenApi(app);
  await app.register(healthRoutes);
  // Before any route that needs a session: each route calls authorize(auth, roles, what) itself.
  const auth = new Auth(store.auth, { ...DEFAULT_AUTH_OPTIONS, ...options.auth });
  const registry = new RegistryService(store.db, store.dialect, { dueSoonDays: DEFAULT_DUE_SOON_DAYS, ...options.registry });
  // Before the routes: the agents listing asks it who is online.
  const hub = new Hub(store);
  const checkpoints = await startRecords(store, { ...options.records, dataDir: options.dataDir }, app.log);
  await app.register(recordsRoutes(checkpoints));
  await app.register(authRoutes(auth));
  await app.register(userRoutes(auth));
  await app.register(streamRoutes(auth, store));
  await app.register(agentRoutes(auth, registry, (id) => hub.summaries().some((a) => a.agentId === id && a.online)));
  await app.register(labRoutes(auth, registry));
  await app.register(instrumentRoutes(auth, registry));
  await app.register(registryWarningRoutes(auth, registry));
  // Read once at start: a procedure file edited later applies after a restart, never mid-way.
  const procedures = loadProcedures(options.procedureDirs);
  const jobs = new JobService(store.db, store.dialect, registry, store.auth, () => procedures);
  await app.register(jobRoutes(auth, jobs));
  await registerWeb(app, options.webRoot === undefined ? DEFAULT_WEB_ROOT : options.webRoot);

  const io = new IoServer(app.server, { serveClient: false, maxHttpBufferSize: 4e6 });
  // Viewing live data: any signed-in role, agents of every organisation (for now).
  guardUiNamespace(io.of(NAMESPACE.ui), auth, app.log, {});
  guardAgentNamespace(io.of(NAMESPACE.agent), auth, app.log);
  attachAgentNamespace(io, hub, app.log);
  const detachUi = attachUiNamespace(io, hub, app.log);

  try {
    await app.listen({ host: options.host ?? "0.0.0.0", port: options.port ?? 8080 });
  } catch (err) {
    detachUi();
    io.close();
    await app.close().catch(() => undefined);
    await checkpoints.stop();
    await store.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const shownHost = options.host === undefined || options.host === "0.0.0.0" ? "localhost" : options.host;
  const url = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}`;

  return {
    app,
    io,
    hub,
    store,
    checkpoints,
    auth,
    registry,
    jobs,
    url,
    async close() {
      detachUi();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await app.close().catch(() => undefined);
      // Batches taken before the close are stored (and acked, if their socket is still there).
      await hub.drain();
      // The last records get a signed checkpoint before the store closes.
      await checkpoints.stop();
      await checkpoints.checkpoint().catch((err: unknown) => app.log.warn({ err }, "record log checkpoint failed"));
      await store.close();
    },
  };
}
