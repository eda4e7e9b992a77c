import {
  type LiveValue,
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
import type { AgentsView } from "./agents-view";
import type { Hub } from "./hub";
import { LiveFanout } from "./live-fanout";
import type { Peers } from "./peers";
import { LESSON_EVENTS } from "./lessons/namespace";
import { SESSION_EVENTS } from "./sessions/namespace";
import { orgRoom, ViewerRooms, viewerVisible } from "./viewer-rooms";

/** Events viewers may send; session events are handled in sessions/, lesson events in lessons/, the rtc-* ones in rtc-signalling.ts. */
const KNOWN_EVENTS: ReadonlySet<string> = new Set(["snapshot", ...Object.keys(SESSION_EVENTS), ...Object.keys(LESSON_EVENTS), ...RTC_EVENTS]);

export interface UiNamespaceOptions {
  /** How often every viewer's rooms are read again from the registry (changes made by other processes). */
  roomRefreshMs: number;
  /** The session rooms that also see an agent's live values (its jobs' sessions open in this process). */
  sessionRooms: (agentId: string) => string[];
}

/** The agents' side: this process's hub, the view of all processes' agents, the other processes. */
export interface UiAgents {
  hub: Hub;
  view: AgentsView;
  peers: Peers;
}

/** A tick of live values as one process tells the others: each sends it to its own viewers. */
interface PeerTick {
  values: LiveValue[];
  agentId: string;
  organisationId: string | null;
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
 * In a cluster each process serves its own viewers: ticks and agent changes of the agents connected
 * to one process are told to the others (peers.ts), snapshots ask all of them (agents-view.ts).
 */
export function attachUiNamespace(io: Server, agents: UiAgents, store: Store, log: FastifyBaseLogger, options: UiNamespaceOptions): UiNamespace {
  const { hub, view, peers } = agents;
  const nsp = io.of(NAMESPACE.ui) as unknown as Namespace<UiToServerEvents, ServerToUiEvents>;
  const warn = (what: string) => (err: unknown) => log.warn({ err: String(err) }, what);
  // A viewer whose visible organisations changed gets the snapshot of what it may see now.
  const rooms = new ViewerRooms(nsp, new RegistryRepository(store.db), log, (socket, visible) => {
    void view.snapshot(visible).then((snapshot) => socket.emit("snapshot", snapshot), warn("could not take a snapshot"));
  });
  const fanout = new LiveFanout(nsp);
  nsp.on("connection", (socket) => {
    // Which process holds whom: with several behind a load balancer, the line an admin looks for.
    const { session } = socket.data as { session?: { user: { username: string } } };
    log.info({ socketId: socket.id, user: session?.user.username }, "viewer connected");
    socket.onAny((event: string) => {
      if (!KNOWN_EVENTS.has(event)) {
        log.warn({ event }, "viewer sent an unknown event");
        socket.emit("problem", new TelecalError("TC_ERR_UNKNOWN_EVENT", { event }).toBody());
      }
    });
    socket.on("snapshot", (ack: unknown) => {
      void rooms.refresh(socket as never).then(async (visible) => {
        const snapshot = await view.snapshot(visible);
        // A client may leave the ack out; one it sends is the event map's.
        if (typeof ack === "function") (ack as Parameters<UiToServerEvents["snapshot"]>[0])({ ok: true, snapshot });
      }, warn("could not read a viewer's rooms"));
    });
    // Into its rooms before the snapshot is taken: a live value after the snapshot is not missed.
    void rooms.refresh(socket as never).then(async (visible) => socket.emit("snapshot", await view.snapshot(visible)), warn("could not read a viewer's rooms"));
  });
  // This process's viewers of the organisation get the agents they may see, from every process.
  const pushAgents = (organisationId: string) =>
    rooms.agentOrganisation(organisationId).then(async () => {
      for (const socket of await nsp.in(orgRoom(organisationId)).local.fetchSockets()) {
        socket.emit("agents", await view.summaries(viewerVisible(socket)));
      }
    });
  const offAgents = hub.onAgentsChanged((organisationId) => {
    if (organisationId === null) return;
    peers.tell("ui:agents", organisationId);
    void pushAgents(organisationId).catch(warn("could not tell viewers of an agent"));
  });
  peers.hear<string>("ui:agents", (organisationId) => void pushAgents(organisationId).catch(warn("could not tell viewers of an agent")));
  const sendTick = ({ values, agentId, organisationId }: PeerTick) => {
    const to = options.sessionRooms(agentId);
    if (organisationId !== null) to.push(orgRoom(organisationId));
    fanout.send(to, values);
  };
  const offLive = hub.onLive((values, agentId, organisationId) => {
    peers.tell("ui:live", { values, agentId, organisationId } satisfies PeerTick);
    sendTick({ values, agentId, organisationId });
  });
  peers.hear<PeerTick>("ui:live", sendTick);
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
