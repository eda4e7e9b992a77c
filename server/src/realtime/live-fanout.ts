import { type LiveValue, streamRef } from "@telecal/protocols";
import type { Namespace, Socket } from "socket.io";

interface Held {
  /** Newest value per stream (agent/stream) while the socket was still writing. */
  values: Map<string, LiveValue>;
  /** A wait for the socket's transport to drain is set. */
  armed: boolean;
}

/** What one viewer holds back now: for tests and the fanout bench. */
export interface ViewerBacklog {
  /** Values held here, at most one per stream. */
  held: number;
  /** Packets in engine.io's write buffer (not yet handed to the transport). */
  writeBuffer: number;
}

/**
 * Live values to the viewers of some rooms. A viewer whose socket has written out everything gets
 * each tick at once and whole, so nothing is dropped on a link that keeps up; a viewer whose socket is
 * still writing gets nothing more queued: its values wait here, newest per stream, until the
 * transport drains. The buffer per viewer is therefore bounded by the streams it may see.
 */
export class LiveFanout {
  private readonly held = new WeakMap<Socket, Held>();

  constructor(private readonly nsp: Namespace) {}

  /** Sends one tick to every local socket in any of `rooms` (each socket once). */
  send(rooms: readonly string[], values: readonly LiveValue[]): void {
    const ready: string[] = [];
    for (const id of this.socketsIn(rooms)) {
      const socket = this.nsp.sockets.get(id);
      if (!socket?.connected) continue;
      const held = this.held.get(socket);
      if (held && held.values.size > 0) this.hold(socket, held, values);
      else if (writing(socket)) this.hold(socket, this.state(socket), values);
      else ready.push(id);
    }
    // A socket's own id is a room: one encoding for every viewer that keeps up. Local: in a cluster
    // every process sends each tick to its own viewers (ui-namespace.ts), none through the adapter.
    if (ready.length > 0) this.nsp.local.to(ready).emit("live", values);
  }

  backlog(socketId: string): ViewerBacklog | undefined {
    const socket = this.nsp.sockets.get(socketId);
    if (!socket) return undefined;
    return { held: this.held.get(socket)?.values.size ?? 0, writeBuffer: unsent(socket) };
  }

  private socketsIn(rooms: readonly string[]): Set<string> {
    const ids = new Set<string>();
    for (const room of rooms) for (const id of this.nsp.adapter.rooms.get(room) ?? []) ids.add(id);
    return ids;
  }

  private state(socket: Socket): Held {
    let held = this.held.get(socket);
    if (!held) {
      held = { values: new Map(), armed: false };
      this.held.set(socket, held);
    }
    return held;
  }

  private hold(socket: Socket, held: Held, values: readonly LiveValue[]): void {
    for (const v of values) {
      const key = streamRef(v.agentId, v.streamId);
      // Re-inserted so that the map keeps the order of arrival of each stream's newest value.
      held.values.delete(key);
      held.values.set(key, v);
    }
    this.arm(socket, held);
  }

  /** Waits for the transport to drain (or to be replaced by an upgrade), then tries again. */
  private arm(socket: Socket, held: Held): void {
    if (held.armed) return;
    held.armed = true;
    const conn = socket.conn;
    const transport = conn.transport;
    const retry = () => {
      transport.off("drain", retry);
      conn.off("upgrade", retry);
      held.armed = false;
      // After the transport's own drain handlers: it is writable again and has flushed its buffer.
      setImmediate(() => this.release(socket, held));
    };
    transport.on("drain", retry);
    conn.on("upgrade", retry);
  }

  private release(socket: Socket, held: Held): void {
    if (!socket.connected || held.values.size === 0) return;
    if (writing(socket)) return this.arm(socket, held);
    const values = [...held.values.values()];
    held.values.clear();
    socket.emit("live", values);
  }
}

/** Packets engine.io holds for the socket, not yet handed to its transport (a field its types keep private). */
function unsent(socket: Socket): number {
  return (socket.conn as unknown as { writeBuffer: readonly unknown[] }).writeBuffer.length;
}

/** The socket has packets that engine.io has not yet handed over, or its transport is mid-write. */
function writing(socket: Socket): boolean {
  return unsent(socket) > 0 || !socket.conn.transport.writable;
}
