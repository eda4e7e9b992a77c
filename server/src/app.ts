import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { lessonVideoKey, NAMESPACE } from "@telecal/protocols";
import { Server as IoServer } from "socket.io";
import { Auth, DEFAULT_AUTH_OPTIONS } from "./auth/auth";
import { guardAgentNamespace, guardDefaultNamespace, guardUiNamespace } from "./auth/socket-auth";
import { agentRoutes } from "./http/agents";
import { certificateRoutes } from "./http/certificates";
import { signerKeyRoutes } from "./http/signer-keys";
import { CertificateService } from "./certificates/service";
import { TrainingCertificateService } from "./certificates/training-service";
import { SignerKeys } from "./certificates/signer-keys";
import { CertificateChecker, DEFAULT_CHECKER_OPTIONS } from "./certificates/verify-pool";
import { authRoutes } from "./http/auth";
import { registerErrorHandler } from "./http/errors";
import { createFastify } from "./http/fastify";
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
import { courseRoutes } from "./http/courses";
import { CourseService } from "./courses/service";
import { sessionRoutes } from "./http/sessions";
import { registryWarningRoutes } from "./http/registry-warnings";
import { streamRoutes } from "./http/streams";
import { userRoutes } from "./http/users";
import { registerWeb } from "./http/web";
import { rtcRoutes } from "./http/rtc";
import { mediaRoutes } from "./http/media";
import { checkJanusOptions, janusOrigins } from "./media/janus-options";
import { MediaRooms } from "./media/media-rooms";
import { attachAgentNamespace } from "./realtime/agent-namespace";
import type { ServerOptions } from "./server-options";
import { tellAgentsOfJobs } from "./realtime/agent-jobs";
import { AgentsView } from "./realtime/agents-view";
import { connectCluster } from "./realtime/cluster";
import { Hub } from "./realtime/hub";
import { clusterPeers, NO_PEERS } from "./realtime/peers";
import type { Checkpointer } from "./records/checkpoints";
import { startRecords } from "./records/service";
import { attachUiNamespace, type UiNamespace } from "./realtime/ui-namespace";
import { attachSessions, type SessionService } from "./realtime/sessions/index";
import { checkRtcOptions } from "./realtime/rtc-ice-config";
import { meshAccess } from "./realtime/mesh-access";
import { attachRtcSignalling } from "./realtime/rtc-signalling";
import { attachLessons, type LessonService } from "./realtime/lessons/index";
import { lessonBenchSource } from "./realtime/lessons/bench";
import { lessonVideoOpener } from "./realtime/lessons/lesson-video";
import { JobService } from "./jobs/service";
import { loadProcedures } from "./procedures/catalog";
import { DEFAULT_DUE_SOON_DAYS } from "./registry/due-dates";
import { RegistryService } from "./registry/service";
import { RegistryRepository } from "./registry/repository";
import { databaseUrlFor } from "./store/db";
import { Store } from "./store/store";
import { startWitness } from "./witness/service";
import type { Witness } from "./witness/witness";

export type { ServerOptions } from "./server-options";

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
  /** Courses, their lessons and enrolled trainees. */
  courses: CourseService;
  /** Live lessons: presence and attendance, hands, chat, quizzes. */
  lessons: LessonService;
  /** Issue, amend, revoke and verify certificates. */
  certificates: CertificateService;
  /** Live sessions of jobs: presence, chat, control leases, commands. */
  sessions: SessionService;
  /** /ui viewers: their organisation rooms and the live fanout (what each viewer holds back). */
  viewers: UiNamespace;
  /** Course video rooms through Janus: a lesson opens one with its own check of who may enter. */
  media: MediaRooms;
  /** http://host:port once listening. */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL("../../web/dist", import.meta.url));

/** Builds fastify and socket.io on one port and starts listening. */
export async function startServer(options: ServerOptions = {}): Promise<TelecalServer> {
  checkRtcOptions(options.rtc ?? {});
  if (options.janus) checkJanusOptions(options.janus);
  const store = await Store.open(databaseUrlFor(options));
  const app = createFastify(options);
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
  await registerSecurityHeaders(app, options.janus ? janusOrigins(options.janus) : []);
  refuseNul(app);
  await registerOpenApi(app);
  await app.register(healthRoutes);
  // Before any route that needs a session: each route calls authorize(auth, roles, what) itself.
  const auth = new Auth(store.auth, { ...authOptions, allowedHosts });
  const registry = new RegistryService(store.db, store.dialect, { dueSoonDays: DEFAULT_DUE_SOON_DAYS, ...options.registry });
  // Before the routes: the agents listing asks it who is online.
  const hub = new Hub(store);
  // A log older than its last checkpoint (TC_ERR_LOG_REGRESSED) or a bad key: the server does not start.
  const checkpoints = await startRecords(store, { ...options.records, dataDir: options.dataDir }, app.log).catch(async (err: unknown) => {
    await cluster?.close();
    await store.close();
    throw err;
  });
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
  const courses = new CourseService(store.db, store.auth, () => procedures, store.dialect);
  let url = "";
  const publicBaseUrl = () => options.publicUrl ?? (process.env["TELECAL_PUBLIC_URL"] || url);
  const signers = new SignerKeys(store.db, options.dataDir === undefined ? undefined : resolve(options.dataDir));
  const certificates = new CertificateService(store.db, store.dialect, store.auth, checkpoints, signers, publicBaseUrl);
  const training = new TrainingCertificateService(store.db, store.dialect, courses, certificates, checkpoints, publicBaseUrl);
  await app.register(courseRoutes(auth, courses, training));
  const checker = new CertificateChecker({ ...DEFAULT_CHECKER_OPTIONS, ...options.certificateChecks });
  app.addHook("onClose", () => checker.close());
  await app.register(certificateRoutes(auth, certificates, checker, options.certificateVerifyLimit));
  await app.register(signerKeyRoutes(auth, certificates));
  await app.register(rtcRoutes(auth, options.rtc ?? {}));
  const media = new MediaRooms(options.janus, options.rtc ?? {}, app.log);
  // Before fastify closes its logger; the lesson rooms are destroyed in Janus when the server stops.
  app.addHook("onClose", () => media.closeAll());
  await app.register(mediaRoutes(auth, media));
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
  const offJobs = tellAgentsOfJobs(io, jobs, app.log);
  const sessions = attachSessions(io, store, app.log, peers, options.sessions);
  const lessons = attachLessons(io, courses, app.log, {
    stage: {
      set: (lessonId, userId) => media.setStage(lessonVideoKey(lessonId), userId),
      get: (lessonId) => media.stageOf(lessonVideoKey(lessonId)),
      withdraw: (lessonId, userId) => media.remove(lessonVideoKey(lessonId), userId),
    },
    bench: lessonBenchSource(agentsView, new RegistryRepository(store.db), jobs),
  });
  const ui = attachUiNamespace(io, { hub, view: agentsView, peers }, store, app.log, {
    roomRefreshMs: options.roomRefreshMs ?? DEFAULT_ROOM_REFRESH_MS,
    // A lesson's bench is watched by its room too: the course's trainers and enrolled trainees.
    sessionRooms: (agentId) => [...sessions.liveRooms(agentId), ...lessons.benchRooms(agentId)],
  });
  const detachUi = () => ui.detach();
  // A job's mesh, or a lesson's on a server without Janus (its trainers and enrolled trainees).
  attachRtcSignalling(io, meshAccess(jobs, lessons), app.log);
  media.addOpener(lessonVideoOpener(lessons));

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
    courses,
    lessons,
    certificates,
    sessions,
    viewers: ui,
    media,
    url,
    async close() {
      offJobs();
      offRuns();
      detachUi();
      // The callback, not the returned promise, fires once the HTTP server has closed too.
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      // Those still in a lesson leave it now: their stints end at the stop, not never.
      await lessons.drain();
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
