import { type Lease, type LiveValue, NAMESPACE, type Participant, type Reply, type UiSnapshot } from "@telecal/protocols";
import { io, type Socket } from "socket.io-client";

/** A reply's outcome as a test compares it: "ok", or the error's code. */
export const codeOf = (reply: Reply<unknown>) => (reply.ok ? "ok" : reply.error.code);

/** A signed-in /ui client that keeps what it is sent. */
export interface Viewer {
  socket: Socket;
  /** The latest snapshot (a reconnect brings a new one). */
  snapshot: UiSnapshot;
  live: LiveValue[];
  presence: Participant[][];
  leases: Lease[];
  /** How many times it connected, the first included. */
  connects: number;
  ask<T extends object>(event: string, body?: object): Promise<Reply<T>>;
}

/**
 * Connects /ui at `baseUrl` with a bearer token over WebSocket, as the web app does first, and
 * resolves at the first snapshot. With `reconnect` it comes back by itself after a lost server.
 */
export async function connectViewer(baseUrl: string, token: string, reconnect = false): Promise<Viewer> {
  const socket = io(`${baseUrl}${NAMESPACE.ui}`, { transports: ["websocket"], forceNew: true, reconnection: reconnect, reconnectionDelay: 250, auth: { token } });
  const v = { socket, live: [] as LiveValue[], presence: [] as Participant[][], leases: [] as Lease[], connects: 0 } as unknown as Viewer;
  v.ask = (event, body) => (body === undefined ? socket.timeout(10_000).emitWithAck(event) : socket.timeout(10_000).emitWithAck(event, body)) as never;
  socket.on("connect", () => void (v.connects += 1));
  socket.on("live", (values: LiveValue[]) => v.live.push(...values));
  socket.on("session:presence", (m: { participants: Participant[] }) => v.presence.push(m.participants));
  socket.on("session:lease", (m: { lease: Lease }) => v.leases.push(m.lease));
  socket.on("snapshot", (snapshot: UiSnapshot) => void (v.snapshot = snapshot));
  await new Promise<void>((resolve, reject) => {
    socket.once("snapshot", () => resolve());
    socket.once("connect_error", reject);
  });
  return v;
}
