import {
  NAMESPACE,
  RTC_EVENTS,
  type ServerToUiEvents,
  TelecalError,
  type UiToServerEvents,
} from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import type { Namespace, Server } from "socket.io";
import { RegistryRepository } from "../registry/repository";
import type { Store } from "../store/store";
import type { Hub } from "./hub";
import { LiveFanout } from "./live-fanout";
import { SESSION_EVENTS } from "./sessions/namespace";
import { orgRoom, ViewerRooms, viewerVisible } from "./viewer-rooms";

/** Events viewers may send; session events are handled in sessions/, the rtc-* ones in rtc-signalling.ts. */
const KNOWN_EVENTS: ReadonlySet<string> = new Set(["snapshot", ...Object.keys(SESSION_EVENTS), ...RTC_EVENTS]);

export interface UiNamespaceOptions {
  /** How often every viewer's rooms are read again from the registry (changes made by other processes). */
  roomRefreshMs: number;
  /** The session rooms that also see an agent's live values (its jobs' sessions). */
  sessionRooms: (agentId: string) => string[];
}

export interface UiNamespace {
  rooms: ViewerRooms;
  fanout: LiveFanout;
  detach(): void;
}

/**
 * /ui: a viewer is in the room of every organisation it may see (viewer-rooms.ts) and gets, for those
 * only, a snapshot on connect, agent changes as they happen, and each tick of live values
 * (live-fanout.ts: whole while the viewer keeps up, newest per stream while its socket is writing).
 */
export function attachUiNamespace(io: Server, hub: Hub, store: Store, log: FastifyBaseLogger, options: UiNamespaceOptions): UiNamespace {
  const nsp = io.of(NAMESPACE.ui) as unknown as Namespace<UiToServerEvents, ServerToUiEvents>;
  // A viewer whose visible organisations changed gets the snapshot of what it may see now.
  const rooms = new ViewerRooms(nsp, new RegistryRepository(store.db), log, (socket, visible) => socket.emit("snapshot", hub.snapshot(visible)));
  const fanout = new LiveFanout(nsp);
  nsp.on("connection", (socket) => {
    socket.onAny((event: string) => {
      if (!KNOWN_EVENTS.has(event)) {
        log.warn({ event }, "viewer sent an unknown event");
        socket.emit("problem", new TelecalError("TC_ERR_UNKNOWN_EVENT", { event }).toBody());
      }
    });
    socket.on("snapshot", (ack: unknown) => {
      void rooms.refresh(socket as never).then(
        (visible) => {
          // A client may leave the ack out; one it sends is the event map's.
          if (typeof ack === "function") (ack as Parameters<UiToServerEvents["snapshot"]>[0])({ ok: true, snapshot: hub.snapshot(visible) });
        },
        (err: unknown) => log.warn({ err: String(err) }, "could not read a viewer's rooms"),
      );
    });
    // Into its rooms before the snapshot is taken: a live value after the snapshot is not missed.
    void rooms.refresh(socket as never).then(
      (visible) => socket.emit("snapshot", hub.snapshot(visible)),
      (err: unknown) => log.warn({ err: String(err) }, "could not read a viewer's rooms"),
    );
  });
  const offAgents = hub.onAgentsChanged((organisationId) => {
    if (organisationId === null) return;
    void rooms.agentOrganisation(organisationId).then(async () => {
      for (const socket of await nsp.in(orgRoom(organisationId)).local.fetchSockets()) {
        socket.emit("agents", hub.summaries(viewerVisible(socket)));
      }
    });
  });
  const offLive = hub.onLive((values, agentId, organisationId) => {
    const to = options.sessionRooms(agentId);
    if (organisationId !== null) to.push(orgRoom(organisationId));
    fanout.send(to, values);
  });
  rooms.start(options.roomRefreshMs);
  return {
    rooms,
    fanout,
    detach() {
      rooms.stop();
      offLive();
      offAgents();
    },
  };
}
