import type { FastifyBaseLogger } from "fastify";
import type { AuthOptions } from "./auth/auth";
import type { CheckerOptions } from "./certificates/verify-pool";
import type { JanusOptions } from "./media/janus-options";
import type { ClusterOptions } from "./realtime/cluster";
import type { RecordsOptions } from "./records/service";
import type { SessionOptions } from "./realtime/sessions/index";
import type { RtcOptions } from "./realtime/rtc-ice-config";
import type { RegistryOptions } from "./registry/service";
import type { WitnessOptions } from "./witness/service";

/** What `startServer` is started with; `telecal server` and `telecal start` fill it from flags and the environment. */
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
  /** Janus for course video (docs/operations.md, "Course video: Janus"); none: the mesh, for 4 people at most. */
  janus?: JanusOptions;
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
