import { NAMESPACE } from "@telecal/protocols";
import type { ServerToUiEvents, UiToServerEvents } from "@telecal/protocols";
import { io } from "socket.io-client";
import type { Socket } from "socket.io-client";
import type { LiveStore } from "./live-store";

/**
 * Connects the /ui namespace on the page's own origin and feeds the store. The server sends a fresh
 * snapshot on every (re)connect, so nothing here needs to ask for one. Returns the way to disconnect.
 */
export function connectUi(store: LiveStore): () => void {
  store.setConnection("connecting");
  const socket: Socket<ServerToUiEvents, UiToServerEvents> = io(NAMESPACE.ui, { path: "/socket.io" });

  socket.on("connect", () => store.setConnection("connected"));
  socket.on("disconnect", () => store.setConnection("disconnected"));
  socket.on("connect_error", () => store.setConnection("disconnected"));
  socket.on("snapshot", (snapshot) => store.applySnapshot(snapshot));
  socket.on("agents", (agents) => store.applyAgents(agents));
  socket.on("live", (values) => store.applyLive(values));
  socket.on("problem", (error) => console.warn(`telecal: server problem ${error.code}: ${error.message}`));

  return () => {
    socket.removeAllListeners();
    socket.disconnect();
  };
}
