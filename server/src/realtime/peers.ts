import type { FastifyBaseLogger } from "fastify";
import type { Server } from "socket.io";

/** How long a question to the other server processes waits: a process that died is not waited for longer. */
export const PEER_TIMEOUT_MS = 2000;

/**
 * The other server processes of a cluster, reached through socket.io's server-side events (the Redis
 * adapter carries them). What one process alone knows (the agents connected to it, the people in its
 * sessions) is asked of the others, and what happens on one (a live tick, an agent online) told.
 * A single process has no peers: asking answers nothing and telling reaches nobody.
 */
export interface Peers {
  readonly clustered: boolean;
  /** Every other process's answer that came within the timeout (a silent one is left out). */
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
  serverSideEmit(event: string, ...args: unknown[]): boolean;
  timeout(ms: number): { serverSideEmit(event: string, arg: unknown, ack: (err: Error | null, answers: unknown[]) => void): boolean };
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

export function clusterPeers(io: Server, log: FastifyBaseLogger, timeoutMs = PEER_TIMEOUT_MS): Peers {
  const server = io as unknown as PeerServer;
  return {
    clustered: true,
    ask<T>(question: string, arg: unknown): Promise<T[]> {
      return new Promise((resolve) => {
        server.timeout(timeoutMs).serverSideEmit(question, arg, (err, answers) => {
          if (err) log.warn({ question, err: err.message }, "a server process did not answer in time");
          resolve((answers ?? []).filter((a) => a !== null) as T[]);
        });
      });
    },
    tell(event: string, arg: unknown): void {
      server.serverSideEmit(event, arg);
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
