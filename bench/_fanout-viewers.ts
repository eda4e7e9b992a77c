// Child process of bench/fanout.ts: many socket.io viewers (websocket transport), each counting the live
// values it gets and their latency. In a process of its own so that decoding 300 viewers' messages does
// not run on the measured server's event loop. Latency is (receipt - t) with t the sender's agentNow():
// performance.timeOrigin + performance.now(), the same wall clock in both processes to microseconds.
import { agentNow } from "@telecal/agent/uplink/clock-sync";
import { io, type Socket } from "socket.io-client";
import { serveCalls } from "./_fanout-child";
import { summarise } from "./_stats";

export interface OpenViewers {
  /** Viewer i connects to urls[i % urls.length] (server URL with namespace). */
  urls: string[];
  count: number;
  auth?: Record<string, string>;
  /** What says a viewer is set up: telecal's first snapshot (it is in its rooms then), or the connect. */
  ready: "snapshot" | "connect";
}

export interface LiveResult {
  viewers: number;
  /** Values of the window each viewer should have had. */
  expected: number;
  /** Distinct values of the window received (a value is its stream and t). */
  received: number;
  /** Values received again, or older than one already received on their stream. */
  repeated: number;
  /** Viewers that had every stream's last value of the window before the grace ran out. */
  complete: number;
  latency: ReturnType<typeof summarise>;
}

export type ViewerCalls = {
  open: [OpenViewers, { ms: number }];
  /** Count values with t >= from from now on (values of earlier ticks are warm-up). */
  record: [{ from: number }, null];
  /** The window ended with the tick at `to`: waits (at most graceMs) for every viewer to have it. */
  finish: [{ to: number; streams: string[]; ticks: number; graceMs: number }, LiveResult];
  close: [null, null];
};

interface Viewer {
  socket: Socket;
  last: Map<string, number>;
  received: number;
}

let viewers: Viewer[] = [];
let from = Infinity;
let to = Infinity;
let repeated = 0;
let latencies: number[] = [];
/** Set while `finish` waits: called after each message. */
let onProgress: (() => void) | null = null;

function connect(url: string, auth: Record<string, string> | undefined, ready: OpenViewers["ready"]): Promise<Viewer> {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false, ...(auth ? { auth } : {}) });
  const viewer: Viewer = { socket, last: new Map(), received: 0 };
  socket.on("live", (values: { streamId: string; t: number }[]) => {
    const now = agentNow();
    for (const v of values) {
      if (v.t < from || v.t > to) continue;
      const last = viewer.last.get(v.streamId) ?? -Infinity;
      if (v.t <= last) {
        repeated++;
        continue;
      }
      viewer.last.set(v.streamId, v.t);
      viewer.received++;
      latencies.push(now - v.t);
    }
    onProgress?.();
  });
  return new Promise((resolve, reject) => {
    socket.once(ready, () => resolve(viewer));
    socket.once("connect_error", (err) => reject(new Error(`viewer cannot connect to ${url}: ${err.message}`)));
  });
}

serveCalls<ViewerCalls>({
  async open({ urls, count, auth, ready }) {
    const t0 = performance.now();
    // In waves: a few hundred handshakes at once would time out on a small box, not measure anything.
    for (let i = 0; i < count; i += 50) {
      const wave = Array.from({ length: Math.min(50, count - i) }, (_, j) => connect(urls[(i + j) % urls.length]!, auth, ready));
      viewers.push(...(await Promise.all(wave)));
    }
    return { ms: performance.now() - t0 };
  },
  record(arg) {
    from = arg.from;
    to = Infinity;
    repeated = 0;
    latencies = [];
    for (const v of viewers) {
      v.last.clear();
      v.received = 0;
    }
    return Promise.resolve(null);
  },
  async finish({ to: end, streams, ticks, graceMs }) {
    to = end;
    const done = (v: Viewer) => streams.every((s) => (v.last.get(s) ?? -Infinity) >= end);
    let complete = 0;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finished, graceMs);
      function finished() {
        clearTimeout(timer);
        onProgress = null;
        resolve();
      }
      onProgress = () => {
        complete = viewers.filter(done).length;
        if (complete === viewers.length) finished();
      };
      onProgress();
    });
    const result: LiveResult = {
      viewers: viewers.length,
      expected: ticks * streams.length * viewers.length,
      received: viewers.reduce((n, v) => n + v.received, 0),
      repeated,
      complete,
      latency: summarise(latencies),
    };
    from = Infinity;
    latencies = [];
    return result;
  },
  close() {
    for (const v of viewers) v.socket.close();
    viewers = [];
    return Promise.resolve(null);
  },
});
