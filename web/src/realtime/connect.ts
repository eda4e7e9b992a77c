import { NAMESPACE } from "@telecal/protocols";
import type { ServerToUiEvents, UiToServerEvents } from "@telecal/protocols";
import { io } from "socket.io-client";
import type { Socket } from "socket.io-client";
import type { LiveStore } from "./live-store";

const isAuthCode = (code: unknown) => typeof code === "string" && code.startsWith("TC_ERR_AUTH_");

/**
 * Connects the /ui namespace on the page's own origin and feeds the store. The session cookie goes
 * with the handshake. The server sends a fresh snapshot on every (re)connect, so nothing here needs
 * to ask for one. A refusal or end of the session calls `onAuthLost`. Returns the way to disconnect.
 */
export function connectUi(store: LiveStore, onAuthLost: () => void): () => void {
  store.setConnection("connecting");
  // WebSocket first: a cluster behind a load balancer needs no sticky sessions for it (polling's
  // requests must all reach one process). Where a proxy refuses WebSocket, polling is tried next.
  const socket: Socket<ServerToUiEvents, UiToServerEvents> = io(NAMESPACE.ui, {
    path: "/socket.io",
    withCredentials: true,
    transports: ["websocket", "polling"],
    tryAllTransports: true,
  });

  store.setSocket(socket);
  socket.on("connect", () => store.setConnection("connected"));
  socket.on("disconnect", () => store.setConnection("disconnected"));
  socket.on("connect_error", (err: Error & { data?: { code?: unknown } }) => {
    store.setConnection("disconnected");
    if (isAuthCode(err.data?.code)) onAuthLost();
  });
  socket.on("snapshot", (snapshot) => store.applySnapshot(snapshot));
  socket.on("agents", (agents) => store.applyAgents(agents));
  socket.on("live", (values) => store.applyLive(values));
  socket.on("problem", (error) => {
    console.warn(`telecal: server problem ${error.code}: ${error.message}`);
    if (isAuthCode(error.code)) onAuthLost();
  });

  return () => {
    store.setSocket(null);
    socket.removeAllListeners();
    socket.disconnect();
  };
}
