import { AgentSocketAuth, type ErrorBody, nulPath, type Role, TelecalError, UiSocketAuth, type UserInfo } from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import type { Namespace, Socket } from "socket.io";
import { errorBody } from "../realtime/reply";
import { type Auth, requireRole } from "./auth";
import { ANY_ROLE } from "./authorize";
import type { SessionInfo } from "./auth-repository";
import { tokenFromHeaders } from "./cookies";
import { checkHost } from "../http/allowed-hosts";
import { originAllowed } from "./origin";
import { SocketBudget } from "./socket-budget";

/** What each /ui event needs. An event not listed needs a signed-in user of any role. */
export type EventRoles = Readonly<Record<string, ReadonlySet<Role>>>;

interface UiSocketData {
  session?: SessionInfo;
  token?: string;
}

interface AgentSocketData {
  agentId?: string;
}

/** A refused connection: socket.io hands `message` and `data` to the client's connect_error. */
function connectError(err: unknown, log: FastifyBaseLogger): Error & { data: ErrorBody } {
  const body = errorBody(err, log);
  return Object.assign(new Error(body.message), { data: body });
}

function checkOrigin(socket: Socket, auth: Auth): void {
  const { origin, host } = socket.request.headers;
  // Host first: a rebound name's page has an Origin that matches its Host.
  checkHost(host, auth.options.allowedHosts);
  if (!originAllowed(origin, host, auth.options.allowedOrigins)) throw new TelecalError("TC_ERR_AUTH_ORIGIN", { origin });
}

/** A refusal for an event whose arguments hold NUL anywhere (see nulPath), or undefined. */
function nulRefusal(packet: unknown[]): ErrorBody | undefined {
  const args = typeof packet[packet.length - 1] === "function" ? packet.slice(1, -1) : packet.slice(1);
  const path = nulPath(args);
  return path === undefined ? undefined : new TelecalError("TC_ERR_VALIDATION", { what: String(packet[0]), issues: `${path}: NUL (U+0000) is not allowed` }).toBody();
}

/** Answers a refused event through its ack, or as a `problem` event when it carries none. */
function refuse(socket: Socket, packet: unknown[], body: ErrorBody): void {
  const ack = packet[packet.length - 1];
  if (typeof ack === "function") (ack as (r: unknown) => void)({ ok: false, error: body });
  else socket.emit("problem", body);
}

/** The signed-in user of a /ui socket as the guard found them for the event being handled. */
export function socketUser(socket: Socket): UserInfo {
  const session = (socket.data as UiSocketData).session;
  if (!session) throw new TelecalError("TC_ERR_AUTH_REQUIRED", { what: "/ui" });
  return session.user;
}

/**
 * /ui: the connection needs a signed-in user (session cookie, or `auth: {token}`) and an allowed
 * Origin; then every event is checked again against its own role set and the session, which may
 * have ended since. Logout and expiry disconnect the socket at once.
 */
export function guardUiNamespace(nsp: Namespace, auth: Auth, log: FastifyBaseLogger, events: EventRoles): void {
  nsp.use((socket, next) => {
    void (async () => {
      checkOrigin(socket, auth);
      const parsed = UiSocketAuth.safeParse(socket.handshake.auth ?? {});
      if (!parsed.success) throw new TelecalError("TC_ERR_AUTH_REQUIRED", { what: "/ui" });
      const token = parsed.data.token ?? tokenFromHeaders(socket.request.headers);
      const session = await auth.session(token, "/ui");
      requireRole(session.user, ANY_ROLE, "view live data");
      Object.assign(socket.data as UiSocketData, { session, token });
    })().then(
      () => next(),
      (err: unknown) => next(connectError(err, log)),
    );
  });
  const budget = new SocketBudget(auth.options.socketLimits);
  nsp.on("connection", (socket) => {
    const data = socket.data as UiSocketData;
    if (!data.session) return void socket.disconnect(true);
    const unbind = auth.bind(data.session, {
      end(code) {
        socket.emit("problem", new TelecalError(code, { expiredAt: new Date(data.session!.expiresAt).toISOString() }).toBody());
        socket.disconnect(true);
      },
    });
    socket.on("disconnect", unbind);
    socket.use((packet, next) => {
      const event = String(packet[0]);
      const over = budget.take(socket.id, event);
      if (over) return refuse(socket, packet, over);
      const nul = nulRefusal(packet);
      if (nul) return refuse(socket, packet, nul);
      void (async () => {
        const session = await auth.session(data.token, event);
        requireRole(session.user, events[event] ?? ANY_ROLE, event);
        // Handlers read the user as found for this event (socketUser), never as at connect.
        data.session = session;
      })().then(
        () => next(),
        (err: unknown) => refuse(socket, packet, errorBody(err, log)),
      );
    });
  });
}

/**
 * `/`: nothing of telecal lives there, so nobody may connect; without this, any page or script could
 * hold sockets open on the default namespace with no session at all.
 */
export function guardDefaultNamespace(nsp: Namespace, log: FastifyBaseLogger): void {
  nsp.use((_socket, next) => next(connectError(new TelecalError("TC_ERR_AUTH_REQUIRED", { what: "/ (connect to /ui or /agent)" }), log)));
}

/**
 * /agent: the connection needs `auth: {agentId, credential}` of an enrolled agent; every event
 * needs that identity, and a hello must name the enrolled agent.
 */
export function guardAgentNamespace(nsp: Namespace, auth: Auth, log: FastifyBaseLogger): void {
  nsp.use((socket, next) => {
    void (async () => {
      checkOrigin(socket, auth);
      const raw: unknown = socket.handshake.auth;
      if (raw === undefined || raw === null || (typeof raw === "object" && Object.keys(raw).length === 0)) {
        throw new TelecalError("TC_ERR_AUTH_REQUIRED", { what: "/agent" });
      }
      const parsed = AgentSocketAuth.safeParse(raw);
      const agentId = parsed.success ? parsed.data.agentId : "(none)";
      if (!parsed.success || !(await auth.repo.checkAgentCredential(parsed.data.agentId, parsed.data.credential))) {
        throw new TelecalError("TC_ERR_AUTH_AGENT_CREDENTIAL", { agentId });
      }
      (socket.data as AgentSocketData).agentId = agentId;
    })().then(
      () => next(),
      (err: unknown) => {
        log.warn({ err: String(err) }, "agent connection refused");
        next(connectError(err, log));
      },
    );
  });
  nsp.on("connection", (socket) => {
    socket.use((packet, next) => {
      const enrolled = (socket.data as AgentSocketData).agentId;
      const event = String(packet[0]);
      if (enrolled === undefined) return refuse(socket, packet, new TelecalError("TC_ERR_AUTH_REQUIRED", { what: event }).toBody());
      const nul = nulRefusal(packet);
      if (nul) return refuse(socket, packet, nul);
      const claimed = (packet[1] as { agentId?: unknown } | null | undefined)?.agentId;
      if (event === "hello" && typeof claimed === "string" && claimed !== enrolled) {
        return refuse(socket, packet, new TelecalError("TC_ERR_AUTH_AGENT_MISMATCH", { enrolled, claimed }).toBody());
      }
      next();
    });
  });
}
