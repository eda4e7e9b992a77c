import type { ErrorBody } from "@telecal/protocols";
import type { Socket } from "socket.io-client";

/**
 * A server's ack as a test reads it: either side of the reply, loosely typed, because tests also send
 * malformed events that the typed event maps would refuse at compile time.
 */
export type WireReply = { ok: boolean; error: ErrorBody };

/** Emits `event` and resolves with its ack's reply; socket.io-client types a timed reply as `any`. */
export async function emitAck<T extends object = WireReply>(socket: Socket, timeoutMs: number, event: string, ...args: unknown[]): Promise<T> {
  return (await socket.timeout(timeoutMs).emitWithAck(event, ...args)) as T;
}
