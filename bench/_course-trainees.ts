// Child process of bench/course-socket.ts: many trainees' /ui sockets (websocket transport), each
// joined to one lesson, counting the lesson and live events it gets and their latency. In a process
// of its own so that decoding 300 trainees' messages does not run on the measured server's event loop.
// Each event carries its send time t (agentNow(), the same wall clock in both processes): a quiz's
// question and a chat's text end in "@t", a live value has its t.
import { agentNow } from "@telecal/agent/uplink/clock-sync";
import { io, type Socket } from "socket.io-client";
import { serveCalls } from "./_fanout-child";
import { summarise } from "./_stats";

/** What each kind of event is, as the trainees count it: its send times from its body. */
const KINDS = {
  quiz: { event: "lesson:quiz", times: (b: { question: string }) => [tagOf(b.question)] },
  chat: { event: "lesson:chat", times: (b: { text: string }) => [tagOf(b.text)] },
  live: { event: "live", times: (b: { t: number }[]) => b.map((v) => v.t) },
} as const;
export type Kind = keyof typeof KINDS;

const tagOf = (text: string) => Number(/@([\d.]+)$/.exec(text)?.[1] ?? NaN);

export interface KindResult {
  /** Events of the window each trainee should have had, over all trainees. */
  expected: number;
  received: number;
  latency: ReturnType<typeof summarise>;
}

export interface OpenTrainees {
  /** Trainee i connects with tokens[i] (none: the bare relay's /out, no auth). */
  url: string;
  tokens: (string | null)[];
  /** The lesson each joins; null for the bare relay. */
  lessonId: string | null;
}

export type TraineeCalls = {
  /** Connects and joins every trainee in waves; answers the time and the presence traffic it caused. */
  open: [OpenTrainees, { ms: number; presenceMessages: number; presenceBytes: number }];
  record: [null, null];
  /** Waits (at most graceMs) until every trainee has every event of the window sent at `sent` times. */
  finish: [{ sent: Record<Kind, number[]>; graceMs: number }, Record<Kind, KindResult>];
  close: [null, null];
};

interface Trainee {
  socket: Socket;
  seen: Record<Kind, Set<number>>;
}

let trainees: Trainee[] = [];
let recording = false;
let presenceMessages = 0;
let presenceBytes = 0;
const latencies: Record<Kind, number[]> = { quiz: [], chat: [], live: [] };
let onProgress: (() => void) | null = null;

function connect(url: string, token: string | null, lessonId: string | null): Promise<Trainee> {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false, ...(token ? { auth: { token } } : {}) });
  const trainee: Trainee = { socket, seen: { quiz: new Set(), chat: new Set(), live: new Set() } };
  for (const [kind, { event, times }] of Object.entries(KINDS) as [Kind, (typeof KINDS)[Kind]][]) {
    socket.on(event, (body: unknown) => {
      if (!recording) return;
      const now = agentNow();
      for (const t of (times as (b: unknown) => number[])(body)) {
        if (Number.isNaN(t) || trainee.seen[kind].has(t)) continue;
        trainee.seen[kind].add(t);
        latencies[kind].push(now - t);
      }
      onProgress?.();
    });
  }
  socket.on("lesson:presence", (body: unknown) => {
    presenceMessages++;
    presenceBytes += JSON.stringify(body).length;
  });
  return new Promise((resolve, reject) => {
    socket.once("connect_error", (err) => reject(new Error(`trainee cannot connect to ${url}: ${err.message}`)));
    socket.once(lessonId === null ? "connect" : "snapshot", () => {
      if (lessonId === null) return resolve(trainee);
      socket
        .timeout(30_000)
        .emitWithAck("lesson:join", { lessonId })
        .then((reply: { ok: boolean; error?: { code: string } }) => (reply.ok ? resolve(trainee) : reject(new Error(`lesson:join refused: ${reply.error?.code}`))), reject);
    });
  });
}

serveCalls<TraineeCalls>({
  async open({ url, tokens, lessonId }) {
    const t0 = performance.now();
    // In waves: a few hundred handshakes at once would time out on a small box, not measure anything.
    for (let i = 0; i < tokens.length; i += 50) {
      trainees.push(...(await Promise.all(tokens.slice(i, i + 50).map((token) => connect(url, token, lessonId)))));
    }
    return { ms: performance.now() - t0, presenceMessages, presenceBytes };
  },
  record() {
    recording = true;
    for (const k of Object.keys(latencies) as Kind[]) latencies[k] = [];
    for (const t of trainees) for (const k of Object.keys(t.seen) as Kind[]) t.seen[k].clear();
    return Promise.resolve(null);
  },
  async finish({ sent, graceMs }) {
    const kinds = Object.keys(sent) as Kind[];
    const has = (t: Trainee) => kinds.every((k) => sent[k].every((s) => t.seen[k].has(s)));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finished, graceMs);
      function finished() {
        clearTimeout(timer);
        onProgress = null;
        resolve();
      }
      onProgress = () => {
        if (trainees.every(has)) finished();
      };
      onProgress();
    });
    recording = false;
    const result = {} as Record<Kind, KindResult>;
    for (const k of kinds) {
      const wanted = new Set(sent[k]);
      result[k] = {
        expected: wanted.size * trainees.length,
        received: trainees.reduce((n, t) => n + [...t.seen[k]].filter((s) => wanted.has(s)).length, 0),
        latency: summarise(latencies[k]),
      };
    }
    return result;
  },
  close() {
    for (const t of trainees) t.socket.close();
    trainees = [];
    presenceMessages = 0;
    presenceBytes = 0;
    return Promise.resolve(null);
  },
});
