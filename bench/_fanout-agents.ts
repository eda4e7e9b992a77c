// Child process of bench/fanout.ts: many simulated agents, each one /agent socket with a hello and
// signed ReadingBatch batches, sent the way agent/src/uplink/batch-sender.ts sends them (a flush every
// 200 ms, at most MAX_BATCH readings and one batch in flight per stream, the next batch of a stream
// as soon as the previous is acked), so a slow server gets bigger batches, as from real agents.
// Only the durable path: the live ticks real agents also send are left out.
import { createPrivateKey, type KeyObject, sign } from "node:crypto";
import { batchSigningBytes, type HelloAccepted, NAMESPACE, type ReadingBatch, type Reply, type BatchAck } from "@telecal/protocols";
import { MAX_BATCH } from "@telecal/agent/uplink/batch-sender";
import { io, type Socket } from "socket.io-client";
import { serveCalls } from "./_fanout-child";
import { benchHello, instrumentOf, streamOf } from "./_hello";
import { summarise } from "./_stats";

export interface FanInAgent {
  agentId: string;
  credential: string;
  /** The device key, PKCS#8 PEM. */
  keyPem: string;
  /** The server process it connects to. */
  url: string;
}

export interface FanInResult {
  /** Readings taken during the window (after the warm-up). */
  offered: number;
  /** Readings acked (stored) during the window. */
  acked: number;
  /** The window's length. */
  seconds: number;
  batches: number;
  refused: number;
  timeouts: number;
  firstRefusal: string | null;
  /** Emit to ack, of every batch acked during the window (ms). */
  ackLatency: ReturnType<typeof summarise>;
  /** Readings taken but not yet acked at the end of the window. */
  backlog: number;
}

export type AgentCalls = {
  connect: [{ agents: FanInAgent[]; channels: number }, { ms: number }];
  /** Takes readings for warmupSeconds + seconds; what is acked after the warm-up is measured. */
  run: [{ warmupSeconds: number; seconds: number; rateHz: number }, FanInResult];
  /** Stops, waits (at most 10 s) for the batches in flight, disconnects; answers readings acked in all. */
  stop: [null, { acked: number }];
};

const FLUSH_MS = 200;
const ACK_TIMEOUT_MS = 10_000;
const REFUSED_RETRY_MS = 1000;

interface Stream {
  socket: Socket;
  key: KeyObject;
  channel: number;
  /** Seq of pending[0]. */
  nextSeq: number;
  pending: { t: number; value: number }[];
  inFlight: boolean;
  parkedUntil: number;
}

let streams: Stream[] = [];
let sockets: Socket[] = [];
let flushTimer: NodeJS.Timeout | null = null;
/** The measured window (Date.now() from begin to end), or null outside a run. */
let measured: { begin: number; end: number; acked: number; batches: number; refused: number; timeouts: number; firstRefusal: string | null; latencies: number[] } | null = null;
let ackedTotal = 0;

async function connectAgent(agent: FanInAgent, channels: number): Promise<void> {
  const socket = io(`${agent.url}${NAMESPACE.agent}`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    auth: { agentId: agent.agentId, credential: agent.credential },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", (err) => reject(new Error(`agent ${agent.agentId}: ${err.message}`)));
  });
  const reply = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("hello", benchHello(agent.agentId, channels))) as Reply<HelloAccepted>;
  if (!reply.ok) throw new Error(`agent ${agent.agentId}: hello refused: ${reply.error.code}`);
  const key = createPrivateKey(agent.keyPem);
  sockets.push(socket);
  for (let c = 0; c < channels; c++) {
    streams.push({ socket, key, channel: c, nextSeq: (reply.acked[streamOf(c)] ?? -1) + 1, pending: [], inFlight: false, parkedUntil: 0 });
  }
}

function flush(): void {
  const now = Date.now();
  for (const s of streams) if (!s.inFlight && s.pending.length > 0 && s.parkedUntil <= now) send(s);
}

function send(s: Stream): void {
  const readings = s.pending.slice(0, MAX_BATCH);
  const batch: ReadingBatch = {
    streamId: streamOf(s.channel),
    instrumentId: instrumentOf(s.channel),
    firstSeq: s.nextSeq,
    t: readings.map((r) => r.t),
    values: readings.map((r) => r.value),
    flags: readings.map(() => 0),
    unit: "V",
    clock: { offsetMs: 0, uncertaintyMs: 0.5 },
    historical: false,
  };
  batch.signature = sign(null, batchSigningBytes(batch), s.key).toString("base64");
  s.inFlight = true;
  const t0 = performance.now();
  s.socket.timeout(ACK_TIMEOUT_MS).emit("readings", batch, (err: Error | null, reply: Reply<BatchAck>) => {
    s.inFlight = false;
    const now = Date.now();
    const w = measured && measured.begin <= now && now <= measured.end ? measured : null;
    if (err) {
      if (w) w.timeouts++;
      return;
    }
    if (!reply.ok) {
      if (w) {
        w.refused++;
        w.firstRefusal ??= `${reply.error.code}: ${reply.error.message}`;
      }
      s.parkedUntil = Date.now() + REFUSED_RETRY_MS;
      return;
    }
    const stored = reply.ackedSeq + 1 - s.nextSeq;
    s.pending.splice(0, stored);
    s.nextSeq = reply.ackedSeq + 1;
    ackedTotal += stored;
    if (w) {
      w.acked += stored;
      w.batches++;
      w.latencies.push(performance.now() - t0);
    }
    // A backlog drains batch after batch, not one per flush.
    if (s.pending.length > 0 && flushTimer) send(s);
  });
}

serveCalls<AgentCalls>({
  async connect({ agents, channels }) {
    const t0 = performance.now();
    for (let i = 0; i < agents.length; i += 20) await Promise.all(agents.slice(i, i + 20).map((a) => connectAgent(a, channels)));
    return { ms: performance.now() - t0 };
  },
  async run({ warmupSeconds, seconds, rateHz }) {
    const period = 1000 / rateHz;
    const start = Date.now();
    // A warm-up first: pools fill, batches reach the size the server's pace gives them.
    const ticks = Math.round((warmupSeconds + seconds) * rateHz);
    const w = { begin: start + warmupSeconds * 1000, end: start + (warmupSeconds + seconds) * 1000, acked: 0, batches: 0, refused: 0, timeouts: 0, firstRefusal: null as string | null, latencies: [] as number[] };
    measured = w;
    flushTimer = setInterval(flush, FLUSH_MS);
    // Readings at their due times even when a timer fires late: the offered rate stays exact.
    let taken = 0;
    await new Promise<void>((resolve) => {
      const take = () => {
        const due = Math.min(ticks, Math.floor((Date.now() - start) / period) + 1);
        for (; taken < due; taken++) {
          const t = start + taken * period;
          for (const s of streams) s.pending.push({ t, value: 10 + s.channel * 1e-6 + Math.random() * 1e-7 });
        }
        if (taken >= ticks) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(take, period);
      take();
    });
    // The window is the time the readings were offered over, to the due time of the last tick's period.
    await new Promise((r) => setTimeout(r, Math.max(0, w.end - Date.now())));
    measured = null;
    return {
      offered: Math.round(seconds * rateHz) * streams.length,
      acked: w.acked,
      seconds,
      batches: w.batches,
      refused: w.refused,
      timeouts: w.timeouts,
      firstRefusal: w.firstRefusal,
      ackLatency: summarise(w.latencies),
      backlog: streams.reduce((n, s) => n + s.pending.length, 0),
    };
  },
  async stop() {
    if (flushTimer) clearInterval(flushTimer);
    flushTimer = null;
    const until = Date.now() + 10_000;
    while (streams.some((s) => s.inFlight) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    for (const socket of sockets) socket.close();
    sockets = [];
    streams = [];
    return { acked: ackedTotal };
  },
});
