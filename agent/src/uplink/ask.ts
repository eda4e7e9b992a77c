import type { Socket } from "socket.io-client";

/** The reply an event's ack callback (its last parameter) receives. */
type AckReply<F> = F extends (...args: infer A) => void ? (A extends [...unknown[], (reply: infer R) => void] ? R : never) : never;
/** The event's arguments before its ack callback. */
type AckArgs<F> = F extends (...args: infer A) => void ? (A extends [...infer P, (reply: never) => void] ? P : never) : never;
/** The names of the events in `M` that take an ack. */
export type AckedEvent<M> = { [K in keyof M & string]: [AckReply<M[K]>] extends [never] ? never : K }[keyof M & string];

/** socket.io-client's emitWithAck with one signature for every event, so that generic code can call it. */
type TimedEmitter = { emitWithAck: (event: string, ...args: unknown[]) => Promise<unknown> };

/**
 * Emits an acknowledged event and resolves with the peer's reply, or rejects after `timeoutMs`.
 * socket.io-client types a timed ack's reply as `any` (its FirstArg misses the error argument that
 * timeout() prepends), so the reply type is taken from the event map here, in one place.
 */
export async function ask<M extends Record<keyof M, (...args: never[]) => void>, E extends AckedEvent<M>>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any peer's listen events
  socket: Socket<any, M>,
  timeoutMs: number,
  event: E,
  ...args: AckArgs<M[E]>
): Promise<AckReply<M[E]>> {
  const timed = socket.timeout(timeoutMs) as unknown as TimedEmitter;
  return (await timed.emitWithAck(event, ...(args as unknown[]))) as AckReply<M[E]>;
}
