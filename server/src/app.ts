import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { NAMESPACE } from "@telecal/protocols";
import { Server as IoServer } from "socket.io";
import { Auth, type AuthOptions, DEFAULT_AUTH_OPTIONS } from "./auth/auth";
import { guardAgentNamespace, guardUiNamespace } from "./auth/socket-auth";
import { agentRoutes } from "./http/agents";
import { certificateRoutes } from "./http/certificates";
import { CertificateService } from "./certificates/service";
import { SignerKeys } from "./certificates/signer-keys";
import { authRoutes } from "./http/auth";
import { registerErrorHandler } from "./http/errors";
import { healthRoutes } from "./http/health";
import { instrumentRoutes } from "./http/instruments";
import { labRoutes } from "./http/labs";
import { recordsRoutes } from "./http/records";
import { registerOpenApi } from "./http/openapi";
import { jobRoutes } from "./http/jobs";
import { sessionRoutes } from "./http/sessions";
import { registryWarningRoutes } from "./http/registry-warnings";
import { streamRoutes } from "./http/streams";
import { userRoutes } from "./http/users";
import { registerWeb } from "./http/web";
import { rtcRoutes } from "./http/rtc";
import { agentRoom, attachAgentNamespace } from "./realtime/agent-namespace";
import { Hub } from "./realtime/hub";
import type { Checkpointer } from "./records/checkpoints";
import { type RecordsOptions, startRecords } from "./records/service";
import { attachUiNamespace } from "./realtime/ui-namespace";
import { attachSessions, type SessionOptions, type SessionService } from "./realtime/sessions/index";
import { checkRtcOptions, type RtcOptions } from "./realtime/rtc-ice-config";
import { attachRtcSignalling } from "./realtime/rtc-signalling";
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
  /** The address people reach this server at, for certificates' QR codes (default: the listening URL). */
  publicUrl?: string;
  /** Live sessions: socket rate limits, command timeout, snapshot sizes. */
  sessions?: Partial<SessionOptions>;
  /** Public certificate checks (POST /api/certificates/verify) allowed per client address in each window. */
  certificateVerifyLimit?: { max: number; windowMs: number };
  /** STUN and TURN servers for the browsers' video (docs/operations.md); none: host candidates only. */
  rtc?: RtcOptions;
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
  /** Issue, amend, revoke and verify certificates. */
  certificates: CertificateService;
  /** Live sessions of jobs: presence, chat, control leases, commands. */
  sessions: SessionService;
  /** http://host:port once listening. */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL("../../web/dist", import.meta.url));

/** Builds fastify and socket.io on one port and starts listening. */
export async function startServer(options: ServerOptions = {}): Promise<TelecalServer> {
  checkRtcOptions(options.rtc ?? {});
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
  let url = "";
  const signers = new SignerKeys(store.db, options.dataDir === undefined ? undefined : resolve(options.dataDir));
  const certificates = new CertificateService(store.db, store.dialect, store.auth, checkpoints, signers, () => options.publicUrl ?? (process.env["TELECAL_PUBLIC_URL"] || url));
  await app.register(certificateRoutes(auth, certificates, options.certificateVerifyLimit));
  await app.register(rtcRoutes(auth, options.rtc ?? {}));
  await registerWeb(app, options.webRoot === undefined ? DEFAULT_WEB_ROOT : options.webRoot);

  // Heartbeats every 10 s, a link silent 10 s more is down: an agent finds a lost server within
  // about 20 s (and puts remotely driven sources in standby), and a session sees a dropped person.
  const io = new IoServer(app.server, { serveClient: false, maxHttpBufferSize: 4e6, pingInterval: 10_000, pingTimeout: 10_000 });
  // Viewing live data: any signed-in role, agents of every organisation (for now).
  guardUiNamespace(io.of(NAMESPACE.ui), auth, app.log, {});
  guardAgentNamespace(io.of(NAMESPACE.agent), auth, app.log);
  attachAgentNamespace(io, hub, app.log, jobs);
  // An agent hears of its job as soon as it is created or moves on, not at its next hello.
  // Only the job that changed is read and sent; the whole list goes with each hello.
  const offJobs = jobs.onChange((agentId, jobId) => {
    void jobs
      .agentJob(jobId)
      .then((job) => job && io.of(NAMESPACE.agent).to(agentRoom(agentId)).emit("jobs", [job]))
      .catch((err: unknown) => app.log.warn({ agentId, err: String(err) }, "could not tell the agent of its jobs"));
  });
  const detachUi = attachUiNamespace(io, hub, app.log);
  attachRtcSignalling(io, jobs, app.log);

  const sessions = attachSessions(io, store, app.log, options.sessions);
  // A job's session hears that its run moved on, whoever moved it (people over REST, the agent).
  const offRuns = jobs.onChange((_agentId, jobId) => sessions.runChanged(jobId));
  await app.register(sessionRoutes(auth, sessions));

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
  url = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}`;

  return {
    app,
    io,
    hub,
    store,
    checkpoints,
    auth,
    registry,
    jobs,
    certificates,
    sessions,
    url,
    async close() {
      offJobs();
      offRuns();
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
