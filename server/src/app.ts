import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { NAMESPACE } from "@telecal/protocols";
import { Server as IoServer } from "socket.io";
import { Auth, type AuthOptions, DEFAULT_AUTH_OPTIONS } from "./auth/auth";
import { guardAgentNamespace, guardDefaultNamespace, guardUiNamespace } from "./auth/socket-auth";
import { agentRoutes } from "./http/agents";
import { certificateRoutes } from "./http/certificates";
import { signerKeyRoutes } from "./http/signer-keys";
import { CertificateService } from "./certificates/service";
import { SignerKeys } from "./certificates/signer-keys";
import { CertificateChecker, type CheckerOptions, DEFAULT_CHECKER_OPTIONS } from "./certificates/verify-pool";
import { authRoutes } from "./http/auth";
import { registerErrorHandler } from "./http/errors";
import { answerFrameworkError, clientErrorHandler } from "./http/framework-errors";
import { allowedHostsFor, refuseUnknownHosts } from "./http/allowed-hosts";
import { healthRoutes } from "./http/health";
import { instrumentRoutes } from "./http/instruments";
import { labRoutes } from "./http/labs";
import { recordsRoutes } from "./http/records";
import { witnessRoutes } from "./http/witness";
import { refuseNul } from "./http/no-nul";
import { registerOpenApi } from "./http/openapi";
import { registerSecurityHeaders } from "./http/security-headers";
import { jobRoutes } from "./http/jobs";
import { sessionRoutes } from "./http/sessions";
import { registryWarningRoutes } from "./http/registry-warnings";
import { streamRoutes } from "./http/streams";
import { userRoutes } from "./http/users";
import { registerWeb } from "./http/web";
import { rtcRoutes } from "./http/rtc";
import { agentRoom, attachAgentNamespace } from "./realtime/agent-namespace";
import { AgentsView } from "./realtime/agents-view";
import { type ClusterOptions, connectCluster } from "./realtime/cluster";
import { Hub } from "./realtime/hub";
import { clusterPeers, NO_PEERS } from "./realtime/peers";
import type { Checkpointer } from "./records/checkpoints";
import { type RecordsOptions, startRecords } from "./records/service";
import { attachUiNamespace, type UiNamespace } from "./realtime/ui-namespace";
import { attachSessions, type SessionOptions, type SessionService } from "./realtime/sessions/index";
import { checkRtcOptions, type RtcOptions } from "./realtime/rtc-ice-config";
import { attachRtcSignalling } from "./realtime/rtc-signalling";
import { JobService } from "./jobs/service";
import { loadProcedures } from "./procedures/catalog";
import { DEFAULT_DUE_SOON_DAYS } from "./registry/due-dates";
import { type RegistryOptions, RegistryService } from "./registry/service";
import { databaseUrlFor } from "./store/db";
import { Store } from "./store/store";
import { startWitness, type WitnessOptions } from "./witness/service";
import type { Witness } from "./witness/witness";

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
  /** Witness other servers' record logs: their URLs, the interval, the witness key (docs/operations.md, Witness). */
  witness?: WitnessOptions;
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
  /** Public certificate checks: worker threads, time limit, size and complexity bounds (docs/security.md). */
  certificateChecks?: Partial<CheckerOptions>;
  /** STUN and TURN servers for the browsers' video (docs/operations.md); none: host candidates only. */
  rtc?: RtcOptions;
  /**
   * Host names requests and sockets may name (Host header): default the local names, the public
   * address, a specific listening address and the allowed origins' hosts; `*` allows any.
   */
  allowedHosts?: readonly string[];
  /**
   * Addresses (or CIDRs) of reverse proxies whose X-Forwarded-For and -Proto are believed: sign-in
   * limits then count the client's address, not the proxy's, and cookies are Secure behind TLS.
   */
  trustProxy?: readonly string[];
  /** How often viewers' organisation rooms are read again from the registry (default one minute). */
  roomRefreshMs?: number;
  /** Live messages an agent socket may send per second (default AGENT_LIVE_PER_SECOND); more are dropped. */
  agentLivePerSecond?: number;
  /**
   * Several server processes as one platform: their Redis (and one PostgreSQL as the store). Each
   * process serves its own sockets; rooms, broadcasts and what one process knows reach the others.
   */
  cluster?: ClusterOptions;
}

/** Changes to the registry that another process made (the CLI) reach viewers' rooms within this. */
export const DEFAULT_ROOM_REFRESH_MS = 60_000;

export interface TelecalServer {
  app: FastifyInstance;
  io: IoServer;
  hub: Hub;
  store: Store;
  /** Signed checkpoints of the record log. */
  checkpoints: Checkpointer;
  /** Countersigns other servers' checkpoints; null when this server witnesses none. */
  witness: Witness | null;
  auth: Auth;
  /** Labs, instruments, reference certificates; `assertUsableForJob` for new jobs. */
  registry: RegistryService;
  jobs: JobService;
  /** Issue, amend, revoke and verify certificates. */
  certificates: CertificateService;
  /** Live sessions of jobs: presence, chat, control leases, commands. */
  sessions: SessionService;
  /** /ui viewers: their organisation rooms and the live fanout (what each viewer holds back). */
  viewers: UiNamespace;
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
    ...(options.trustProxy?.length ? { trustProxy: [...options.trustProxy] } : {}),
    clientErrorHandler,
    // A URL that does not decode (`/..%c0%af`) gets a registry error, not fastify's own body.
    frameworkErrors: (err, request, reply) => answerFrameworkError(err, request.url, reply as unknown as FastifyReply),
  });
  // A server that cannot join its cluster does not start, rather than run alone beside it.
  const cluster = options.cluster
    ? await connectCluster(options.cluster, app.log).catch(async (err: unknown) => {
        await store.close();
        throw err;
      })
    : null;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.log.info({ database: store.where, migrated: store.migrated }, "store open");
  registerErrorHandler(app);
  const authOptions = { ...DEFAULT_AUTH_OPTIONS, ...options.auth };
  const allowedHosts = allowedHostsFor({ allowedHosts: options.allowedHosts, publicUrl: options.publicUrl, host: options.host, allowedOrigins: authOptions.allowedOrigins });
  refuseUnknownHosts(app, allowedHosts);
  await registerSecurityHeaders(app);
  refuseNul(app);
  await registerOpenApi(app);
  await app.register(healthRoutes);
  // Before any route that needs a session: each route calls authorize(auth, roles, what) itself.
  const auth = new Auth(store.auth, { ...authOptions, allowedHosts });
  const registry = new RegistryService(store.db, store.dialect, { dueSoonDays: DEFAULT_DUE_SOON_DAYS, ...options.registry });
  // Before the routes: the agents listing asks it who is online.
  const hub = new Hub(store);
  const checkpoints = await startRecords(store, { ...options.records, dataDir: options.dataDir }, app.log);
  await app.register(recordsRoutes(checkpoints, store.db));
  const witness = startWitness(store, { ...options.witness, dataDir: options.dataDir }, app.log);
  await app.register(witnessRoutes(witness));
  await app.register(authRoutes(auth));
  await app.register(userRoutes(auth));
  await app.register(streamRoutes(auth, store, registry));
  // The listing's `online` asks every process of a cluster, through the view made with socket.io below.
  const view: { agents?: AgentsView } = {};
  await app.register(agentRoutes(auth, registry, () => view.agents?.onlineIds() ?? Promise.resolve(new Set<string>())));
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
  const checker = new CertificateChecker({ ...DEFAULT_CHECKER_OPTIONS, ...options.certificateChecks });
  app.addHook("onClose", () => checker.close());
  await app.register(certificateRoutes(auth, certificates, checker, options.certificateVerifyLimit));
  await app.register(signerKeyRoutes(auth, certificates));
  await app.register(rtcRoutes(auth, options.rtc ?? {}));
  await registerWeb(app, options.webRoot === undefined ? DEFAULT_WEB_ROOT : options.webRoot);

  // Heartbeats every 10 s, a link silent 10 s more is down: an agent finds a lost server within
  // about 20 s (and puts remotely driven sources in standby), and a session sees a dropped person.
  const io = new IoServer(app.server, {
    serveClient: false,
    maxHttpBufferSize: 4e6,
    pingInterval: 10_000,
    pingTimeout: 10_000,
    ...(cluster ? { adapter: cluster.adapter } : {}),
  });
  const peers = cluster ? clusterPeers(io, app.log) : NO_PEERS;
  auth.share(peers);
  const agentsView = new AgentsView(hub, peers);
  view.agents = agentsView;
  // Viewing live data: any signed-in role, the agents of the organisations it may see (viewer-rooms.ts).
  guardUiNamespace(io.of(NAMESPACE.ui), auth, app.log, {});
  guardAgentNamespace(io.of(NAMESPACE.agent), auth, app.log);
  guardDefaultNamespace(io.of("/"), app.log);
  attachAgentNamespace(io, hub, app.log, jobs, options.agentLivePerSecond, { checkpoints, db: store.db });
  // An agent hears of its job as soon as it is created or moves on, not at its next hello.
  // Only the job that changed is read and sent; the whole list goes with each hello.
  const offJobs = jobs.onChange((agentId, jobId) => {
    void jobs
      .agentJob(jobId)
      .then((job) => job && io.of(NAMESPACE.agent).to(agentRoom(agentId)).emit("jobs", [job]))
      .catch((err: unknown) => app.log.warn({ agentId, err: String(err) }, "could not tell the agent of its jobs"));
  });
  const sessions = attachSessions(io, store, app.log, peers, options.sessions);
  const ui = attachUiNamespace(io, { hub, view: agentsView, peers }, store, app.log, {
    roomRefreshMs: options.roomRefreshMs ?? DEFAULT_ROOM_REFRESH_MS,
    sessionRooms: (agentId) => sessions.liveRooms(agentId),
  });
  const detachUi = () => ui.detach();
  attachRtcSignalling(io, jobs, app.log);

  // A job's session hears that its run moved on, whoever moved it (people over REST, the agent).
  const offRuns = jobs.onChange((_agentId, jobId) => sessions.runChanged(jobId));
  await app.register(sessionRoutes(auth, sessions));

  try {
    await app.listen({ host: options.host ?? "0.0.0.0", port: options.port ?? 8080 });
  } catch (err) {
    detachUi();
    // The server never listened: there is no connection to wait for.
    void io.close();
    await app.close().catch(() => undefined);
    await cluster?.close();
    await witness?.stop();
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
    witness,
    auth,
    registry,
    jobs,
    certificates,
    sessions,
    viewers: ui,
    url,
    async close() {
      offJobs();
      offRuns();
      detachUi();
      // The callback, not the returned promise, fires once the HTTP server has closed too.
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      await app.close().catch(() => undefined);
      await cluster?.close();
      // Batches taken before the close are stored (and acked, if their socket is still there).
      await hub.drain();
      await witness?.stop();
      // The last records get a signed checkpoint before the store closes.
      await checkpoints.stop();
      await checkpoints.checkpoint().catch((err: unknown) => app.log.warn({ err }, "record log checkpoint failed"));
      await store.close();
    },
  };
}
