import {
  NAMESPACE,
  RTC_EVENTS,
  type ServerToUiEvents,
  TelecalError,
  type UiToServerEvents,
} from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import type { Namespace, Server } from "socket.io";
import type { Hub } from "./hub";
import { SESSION_EVENTS } from "./sessions/namespace";

/** Events viewers may send; session events are handled in sessions/, the rtc-* ones in rtc-signalling.ts. */
const KNOWN_EVENTS: ReadonlySet<string> = new Set(["snapshot", ...Object.keys(SESSION_EVENTS), ...RTC_EVENTS]);

/**
 * /ui: viewers get a snapshot on connect, agent changes as they happen, and live values as the
 * agents send them, volatile, so that a viewer on a slow link skips values instead of falling behind.
 */
export function attachUiNamespace(io: Server, hub: Hub, log: FastifyBaseLogger): () => void {
  const nsp = io.of(NAMESPACE.ui) as unknown as Namespace<UiToServerEvents, ServerToUiEvents>;
  nsp.on("connection", (socket) => {
    socket.emit("snapshot", hub.snapshot());
    socket.on("snapshot", (ack: unknown) => {
      if (typeof ack === "function") ack({ ok: true, snapshot: hub.snapshot() });
    });
    socket.onAny((event: string) => {
      if (!KNOWN_EVENTS.has(event)) {
        log.warn({ event }, "viewer sent an unknown event");
        socket.emit("problem", new TelecalError("TC_ERR_UNKNOWN_EVENT", { event }).toBody());
      }
    });
  });
  const offAgents = hub.onAgentsChanged(() => nsp.emit("agents", hub.summaries()));
  const offLive = hub.onLive((values) => nsp.volatile.emit("live", values));
  return () => {
    offLive();
    offAgents();
  };
}
