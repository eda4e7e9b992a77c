import type { FastifyBaseLogger } from "fastify";
import type { Server } from "socket.io";

/**
 * The other server processes of a cluster, reached through socket.io's server-side events (the Redis
 * adapter carries them). What one process alone knows (the agents connected to it, the people in its
 * sessions) is asked of the others, and what happens on one (a live tick, an agent online) told.
 * A single process has no peers: asking answers nothing and telling reaches nobody.
 */
export interface Peers {
  readonly clustered: boolean;
  /**
   * Every other process's answer. A process that died has left Redis's subscriber count and is not
   * waited for; one that hangs is waited for 5 s (the cluster adapter's own timeout), then left out.
   */
  ask<T>(question: string, arg: unknown): Promise<T[]>;
  tell(event: string, arg: unknown): void;
  /** Answers a question of the others; a failure answers null and is logged. */
  answer<A, T>(question: string, fn: (arg: A) => T | Promise<T>): void;
  hear<A>(event: string, fn: (arg: A) => void): void;
}

export const NO_PEERS: Peers = {
  clustered: false,
  ask: () => Promise.resolve([]),
  tell: () => undefined,
  answer: () => undefined,
  hear: () => undefined,
};

type Reply = (answer: unknown) => void;

/** socket.io's server-side events with their types left open: each question checks what it is given. */
interface PeerServer {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * The cluster adapter's own serverSideEmit, whose promise io.serverSideEmit drops: with Redis gone
 * it rejects, and unhandled that would end the process.
 */
interface PeerAdapter {
  serverSideEmit(packet: unknown[]): Promise<unknown>;
}

export function clusterPeers(io: Server, log: FastifyBaseLogger): Peers {
  const server = io as unknown as PeerServer;
  const adapter = () => io.of("/").adapter as unknown as PeerAdapter;
  const failed = (what: string) => (err: unknown) => log.warn({ what, err: String(err) }, "could not reach the other server processes");
  return {
    clustered: true,
    ask<T>(question: string, arg: unknown): Promise<T[]> {
      return new Promise((resolve) => {
        const ack = (err: Error | null, answers: unknown[] | undefined) => {
          if (err) log.warn({ question, err: err.message }, "a server process did not answer in time");
          resolve((answers ?? []).filter((a) => a !== null) as T[]);
        };
        adapter()
          .serverSideEmit([question, arg, ack])
          .catch((err: unknown) => {
            failed(question)(err);
            resolve([]);
          });
      });
    },
    tell(event: string, arg: unknown): void {
      adapter().serverSideEmit([event, arg]).catch(failed(event));
    },
    answer<A, T>(question: string, fn: (arg: A) => T | Promise<T>): void {
      server.on(question, (arg: unknown, reply: unknown) => {
        if (typeof reply !== "function") return;
        Promise.resolve()
          .then(() => fn(arg as A))
          .then(
            (answer) => (reply as Reply)(answer),
            (err: unknown) => {
              log.warn({ question, err: String(err) }, "could not answer another server process");
              (reply as Reply)(null);
            },
          );
      });
    },
    hear<A>(event: string, fn: (arg: A) => void): void {
      server.on(event, (arg: unknown) => fn(arg as A));
    },
  };
}
