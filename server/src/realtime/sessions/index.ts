import { NAMESPACE, type ServerToUiEvents, type UiToServerEvents } from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import type { Namespace, Server } from "socket.io";
import type { Store } from "../../store/store";
import { SessionAccess } from "./access";
import { SessionAnnotations } from "./annotations";
import { CommandRelay } from "./command-relay";
import { DEFAULT_SESSION_OPTIONS, SessionContext, type SessionOptions } from "./context";
import { SessionControl } from "./control";
import { SessionJournal } from "./journal";
import { LeaseBook } from "./leases";
import { attachSessionEvents } from "./namespace";
import { SessionQuality } from "./quality";
import type { Peers } from "../peers";
import { SessionRegistry } from "./registry";
import { SessionRoster } from "./roster";
import { SessionService } from "./service";

export { DEFAULT_SESSION_OPTIONS, type SessionOptions } from "./context";
export { SessionService } from "./service";

/** Live sessions on /ui (docs/protocol.md, Sessions), their commands to agents on /agent. */
export function attachSessions(io: Server, store: Store, log: FastifyBaseLogger, peers: Peers, options: Partial<SessionOptions> = {}): SessionService {
  const settings = { ...DEFAULT_SESSION_OPTIONS, ...options };
  const ui = io.of(NAMESPACE.ui) as unknown as Namespace<UiToServerEvents, ServerToUiEvents>;
  const registry = new SessionRegistry();
  const context = new SessionContext(
    new SessionAccess(store.db),
    registry,
    new SessionRoster(registry, peers),
    new SessionJournal(store.records, store.db),
    (room, event, ...args) => ui.to(room).emit(event, ...args),
    log,
    settings,
  );
  const control = new SessionControl(context, new LeaseBook(store.db), new CommandRelay(io, settings.commandTimeoutMs), settings);
  const sessions = new SessionService(context, control, new SessionAnnotations(context, settings), new SessionQuality(context, settings), settings);
  attachSessionEvents(io, sessions, log);
  return sessions;
}
