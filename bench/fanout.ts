// Fanout figures, each beside a baseline measured in the same run, on loopback. Printed, never asserted.
//  1. Live latency agent -> server -> viewer and loss, 300 /ui viewers of one agent (8 streams, a tick
//     of values every 50 ms on its /agent socket's `live` event), beside a bare socket.io relay
//     (_fanout-bare.ts) of the same payload at the same rate to 300 bare clients. The relay has the
//     agent's hop too (sender socket -> server -> broadcast), so the ratio is what telecal adds.
//  2. Memory per idle viewer, telecal vs the bare relay. Each server runs in a fresh child process of
//     its own (_fanout-memory.ts, --expose-gc) so that neither reuses memory the other freed, and the
//     viewers in another (_fanout-viewers.ts) so that their memory is not counted. Readings after a
//     full GC, with 0, N/2 and N idle viewers connected, after a small warm-up wave has come and gone
//     (lazily compiled code and pools are not per viewer). A fresh server's RSS holds several MB that
//     start-up touched and GC freed; the first viewers fill that without RSS moving (the first few
//     hundred may not move it at all), so RSS per viewer is the growth from N/2 to N over N/2, the whole
//     growth over N shown beside it; V8 heap + external growth over N is exact and shown too.
//  3. The same 300 viewers spread round-robin over three server processes (three startServer in this
//     process, one PostgreSQL database, one Redis key prefix; the agent on the first), beside 1.
//  4. Fan-in: 100 agents x 8 channels x 10 Hz, round-robin over the three (_fanout-agents.ts), 10 s
//     measured after 2 s of warm-up: readings stored per second (acked: an ack means committed) and ack
//     latency, against the 8000/s offered.
// Viewers and fan-in agents run in child processes, so the measured event loop is the servers'. Latency
// is receipt - t with t = agentNow() at sending, the same wall clock in every process.
// FANOUT_QUICK=1 shrinks every count and duration, for a run while working on this file.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { type AgentLiveValue, type HelloAccepted, type LiveValue, NAMESPACE, type Reply } from "@telecal/protocols";
import { agentNow } from "@telecal/agent/uplink/clock-sync";
import { LIVE_TICK_MS } from "@telecal/agent/uplink/live-ticks";
import { startServer, type TelecalServer } from "@telecal/server";
import { io, type Socket } from "socket.io-client";
import { enrolAgent, login, seedUsers } from "../test/fakes/auth";
import { TestDatabases } from "../test/peers/postgres";
import { dropPrefix, requireRedis, TEST_REDIS_URL } from "../test/peers/redis";
import type { AgentCalls, FanInAgent, FanInResult } from "./_fanout-agents";
import { BARE_OUT, startBareRelay } from "./_fanout-bare";
import { type Calls, type Child, startChild } from "./_fanout-child";
import { benchHello, instrumentOf, streamOf } from "./_hello";
import type { MemoryCalls } from "./_fanout-memory";
import type { LiveResult, ViewerCalls } from "./_fanout-viewers";

const QUICK = process.env["FANOUT_QUICK"] === "1";
const VIEWERS = QUICK ? 30 : 300;
const CHANNELS = 8;
/** 20 Hz, as the issue asks: twice the rate the real agent sends at (LIVE_TICK_MS); the servers here allow it (BENCH_LIVE_LIMIT). */
const TICK_MS = 50;
// The servers' agent live limit, above this bench's 20 Hz (AGENT_LIVE_PER_SECOND is the protocol's 10 Hz twice over).
const BENCH_LIVE_LIMIT = 100;
const LIVE_TICKS = (QUICK ? 2 : 10) * (1000 / TICK_MS);
const WARMUP_TICKS = 1000 / TICK_MS;
/** A value not at its viewer this long after the window's last tick counts as lost. */
const GRACE_MS = 3000;
const IDLE_VIEWERS = QUICK ? 200 : 2000;
/** Few: the memory they leave behind is reused by the N measured ones, unseen in RSS. */
const WARMUP_VIEWERS = 10;
const PROCESSES = 3;
const FANIN_AGENTS = QUICK ? 10 : 100;
const FANIN_CHANNELS = 8;
const FANIN_HZ = 10;
const FANIN_SECONDS = QUICK ? 3 : 10;
const FANIN_WARMUP_SECONDS = 2;
const AGENT_ID = "bench-fanout";

const progress = (what: string) => process.stderr.write(`bench fanout: ${what}\n`);
const child = <C extends Calls>(name: string, gc = false): Child<C> =>
  startChild<C>(new URL(`./_fanout-${name}.ts`, import.meta.url), { gc });

/** One tick as the agent's LiveTicks sends it: every stream's reading, one message. */
const tick = (t: number): AgentLiveValue[] =>
  Array.from({ length: CHANNELS }, (_, c) => ({ instrumentId: instrumentOf(c), streamId: streamOf(c), t, value: 10 + c * 1e-6, unit: "V", flags: 0 }));
const STREAMS = Array.from({ length: CHANNELS }, (_, c) => streamOf(c));

function connected(socket: Socket, what: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => reject(new Error(`bench: ${what}: ${err.message}`)));
  });
}

/** An enrolled agent's /agent socket, its hello answered: `send(t)` emits one tick stamped t. */
async function liveAgent(server: TelecalServer): Promise<{ send(t: number): void; close(): void }> {
  const { auth } = await enrolAgent(server, AGENT_ID);
  const socket = await connected(
    io(`${server.url}${NAMESPACE.agent}`, { transports: ["websocket"], forceNew: true, reconnection: false, auth }),
    "agent socket",
  );
  const reply = (await socket.timeout(10_000).emitWithAck("hello", benchHello(AGENT_ID, CHANNELS))) as Reply<HelloAccepted>;
  if (!reply.ok) throw new Error(`bench: hello refused: ${reply.error.code}`);
  return { send: (t) => socket.emit("live", tick(t)), close: () => socket.close() };
}

/** Calls fn every TICK_MS for `ticks` ticks, on deadlines, so a late timer does not slow the rate. */
async function pace(ticks: number, fn: () => void): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < ticks; i++) {
    fn();
    await sleep(Math.max(0, start + (i + 1) * TICK_MS - performance.now()));
  }
}

/** This process's CPU use (cores) and event-loop delay p99 (ms) over a span: was the servers' loop the limit? */
interface Load {
  cpu: number;
  loopP99: number;
}

/** The histogram's samples are whole timer intervals of this: the delay is what lies past it. */
const LOOP_SAMPLE_MS = 5;

async function watch<T>(span: () => Promise<T>): Promise<{ result: T; load: Load }> {
  const delay = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  delay.enable();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  try {
    const result = await span();
    const used = process.cpuUsage(cpu);
    return { result, load: { cpu: (used.user + used.system) / 1000 / (performance.now() - t0), loopP99: Math.max(0, delay.percentile(99) / 1e6 - LOOP_SAMPLE_MS) } };
  } finally {
    delay.disable();
  }
}

type Live = LiveResult & { load: Load };

/** A second of warm-up ticks, then LIVE_TICKS measured ones, then what the viewers got of those. */
async function measureLive(viewers: Child<ViewerCalls>, send: (t: number) => void): Promise<Live> {
  await pace(WARMUP_TICKS, () => send(agentNow()));
  await viewers.call("record", { from: agentNow() });
  let last = 0;
  const { load } = await watch(() => pace(LIVE_TICKS, () => send((last = agentNow()))));
  return { ...(await viewers.call("finish", { to: last, streams: STREAMS, ticks: LIVE_TICKS, graceMs: GRACE_MS })), load };
}

/** Telecal viewers of one agent at `urls` (round-robin), the agent at `agentServer`. */
async function telecalLive(viewers: Child<ViewerCalls>, agentServer: TelecalServer, urls: string[]): Promise<Live & { connectS: number }> {
  await seedUsers(agentServer);
  const token = await login(agentServer, "technician");
  // Online before the viewers come: an agent of an organisation new to a process re-reads every viewer's rooms.
  const agent = await liveAgent(agentServer);
  try {
    const { ms } = await viewers.call("open", { urls: urls.map((u) => `${u}${NAMESPACE.ui}`), count: VIEWERS, auth: { token }, ready: "snapshot" });
    const result = await measureLive(viewers, (t) => agent.send(t));
    return { ...result, connectS: ms / 1000 };
  } finally {
    await viewers.call("close", null);
    agent.close();
  }
}

async function bareLive(viewers: Child<ViewerCalls>): Promise<Live> {
  const bare = await startBareRelay();
  const sender = await connected(io(`${bare.url}/in`, { transports: ["websocket"], forceNew: true, reconnection: false }), "bare sender");
  try {
    await viewers.call("open", { urls: [`${bare.url}${BARE_OUT}`], count: VIEWERS, ready: "connect" });
    // The payload telecal's viewers get: the agent's values with its id.
    return await measureLive(viewers, (t) => sender.emit("live", tick(t).map((v): LiveValue => ({ agentId: AGENT_ID, ...v }))));
  } finally {
    await viewers.call("close", null);
    sender.close();
    await bare.close();
  }
}

interface PerViewer {
  /** RSS growth from N/2 to N viewers, per viewer. */
  rss: number;
  /** RSS growth from 0 to N, per viewer. */
  rssWhole: number;
  /** V8 heap + external growth from 0 to N, per viewer. */
  heap: number;
}

/** Server memory growth per idle viewer (bytes), in a fresh server process. */
async function idleMemory(viewers: Child<ViewerCalls>, kind: "telecal" | "bare"): Promise<PerViewer> {
  const server = child<MemoryCalls>("memory", true);
  try {
    const { url, auth } = await server.call("start", kind);
    const ready = kind === "telecal" ? "snapshot" : "connect";
    await viewers.call("open", { urls: [url], count: WARMUP_VIEWERS, auth, ready });
    await viewers.call("close", null);
    const before = await server.call("measure", { viewers: 0 });
    const half = IDLE_VIEWERS / 2;
    await viewers.call("open", { urls: [url], count: half, auth, ready });
    const middle = await server.call("measure", { viewers: half });
    await viewers.call("open", { urls: [url], count: half, auth, ready });
    const after = await server.call("measure", { viewers: IDLE_VIEWERS });
    await viewers.call("close", null);
    await server.call("stop", null);
    return {
      rss: (after.rss - middle.rss) / half,
      rssWhole: (after.rss - before.rss) / IDLE_VIEWERS,
      heap: (after.heap - before.heap) / IDLE_VIEWERS,
    };
  } finally {
    await server.exit();
  }
}

async function fanIn(servers: TelecalServer[]): Promise<FanInResult & { load: Load; storedAfter: number; ackedAfter: number }> {
  const agents: FanInAgent[] = [];
  for (let i = 0; i < FANIN_AGENTS; i++) {
    const agentId = `fanin-${i}`;
    const { auth, deviceKey } = await enrolAgent(servers[0]!, agentId);
    agents.push({ agentId, credential: auth.credential, keyPem: deviceKey.export({ type: "pkcs8", format: "pem" }).toString(), url: servers[i % servers.length]!.url });
  }
  const sim = child<AgentCalls>("agents");
  try {
    await sim.call("connect", { agents, channels: FANIN_CHANNELS });
    const { result, load } = await watch(() => sim.call("run", { warmupSeconds: FANIN_WARMUP_SECONDS, seconds: FANIN_SECONDS, rateHz: FANIN_HZ }));
    const { acked } = await sim.call("stop", null);
    const row = await servers[0]!.store.db
      .selectFrom("readings")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("agent_id", "like", "fanin-%")
      .executeTakeFirstOrThrow();
    return { ...result, load, storedAfter: Number(row.n), ackedAfter: acked };
  } finally {
    await sim.exit();
  }
}

// --- the run ---
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "telecal-bench-fanout-"));
  dirs.push(dir);
  return dir;
};
const databases = new TestDatabases();
const prefix = `telecal-bench-${randomBytes(4).toString("hex")}`;
const servers: TelecalServer[] = [];
const viewers = child<ViewerCalls>("viewers");

const loadBefore = loadavg();
let one: Live & { connectS: number };
let bare: Live;
let memory: { telecal: PerViewer; bare: PerViewer };
let three: Live & { connectS: number };
let fan: Awaited<ReturnType<typeof fanIn>>;
try {
  progress(`1 process: ${VIEWERS} viewers at ${1000 / TICK_MS} Hz`);
  {
    // 20 Hz is twice the protocol's rate: the agent live limit must not drop what the bench measures.
    const server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir: tempDir(), agentLivePerSecond: BENCH_LIVE_LIMIT });
    try {
      one = await telecalLive(viewers, server, [server.url]);
    } finally {
      await server.close();
    }
  }
  progress(`bare relay: ${VIEWERS} clients`);
  bare = await bareLive(viewers);

  progress(`memory: ${IDLE_VIEWERS} idle viewers, telecal then bare, each in a fresh server process`);
  memory = { telecal: await idleMemory(viewers, "telecal"), bare: await idleMemory(viewers, "bare") };

  progress(`${PROCESSES} processes on PostgreSQL and Redis (prefix ${prefix})`);
  await requireRedis();
  const databaseUrl = await databases.fresh();
  const dataDir = tempDir();
  // One after another: the first migrates the database, the others find it migrated.
  for (let i = 0; i < PROCESSES; i++) {
    servers.push(
      await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, databaseUrl, dataDir, cluster: { redisUrl: TEST_REDIS_URL, prefix }, agentLivePerSecond: BENCH_LIVE_LIMIT }),
    );
  }
  three = await telecalLive(
    viewers,
    servers[0]!,
    servers.map((s) => s.url),
  );

  progress(`fan-in: ${FANIN_AGENTS} agents x ${FANIN_CHANNELS} channels x ${FANIN_HZ} Hz for ${FANIN_WARMUP_SECONDS} + ${FANIN_SECONDS} s`);
  fan = await fanIn(servers);
} finally {
  await viewers.exit();
  for (const s of servers) await s.close();
  await databases.dropAll();
  await dropPrefix(prefix).catch((err: unknown) => progress(`could not drop the Redis prefix ${prefix}: ${String(err)}`));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

// --- the table ---
const ms = (v: number) => `${v.toFixed(2)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : "-");
const lost = (r: LiveResult) => `${r.expected - r.received} / ${r.expected.toLocaleString("en")}`;
function row(name: string, value: string, base: string, r: string, aim: string): string {
  return `${name.padEnd(50)}${value.padStart(18)}${base.padStart(18)}${r.padStart(9)}  ${aim}`;
}
const offered = FANIN_AGENTS * FANIN_CHANNELS * FANIN_HZ;
const storedRate = fan.acked / fan.seconds;

const loadText = (l: Load) => `${l.cpu.toFixed(2)} cores, loop delay p99 ${ms(l.loopP99)}`;
console.log(
  `fanout on loopback (${VIEWERS} viewers, one agent of ${CHANNELS} streams at ${1000 / TICK_MS} Hz, ${LIVE_TICKS / (1000 / TICK_MS)} s measured; ` +
    `servers share this process, viewers and fan-in agents run in child processes; load average ${loadBefore[0]!.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after)`,
);
console.log(row("figure", "telecal", "baseline", "ratio", "aim"));
console.log(row("live p50, 1 process (baseline: bare relay)", ms(one.latency.p50), ms(bare.latency.p50), ratio(one.latency.p50, bare.latency.p50), "<= 1.3x bare"));
console.log(row("live p99, 1 process (baseline: bare relay)", ms(one.latency.p99), ms(bare.latency.p99), ratio(one.latency.p99, bare.latency.p99), "<= 50 ms, <= 1.3x bare"));
console.log(row("live values lost, 1 process / expected", lost(one), lost(bare), "", "0"));
console.log(row(`memory/idle viewer, RSS, ${IDLE_VIEWERS / 2}->${IDLE_VIEWERS} (bare)`, kb(memory.telecal.rss), kb(memory.bare.rss), ratio(memory.telecal.rss, memory.bare.rss), "<= 25 KB"));
console.log(row(`memory/idle viewer, RSS, 0->${IDLE_VIEWERS} (bare)`, kb(memory.telecal.rssWhole), kb(memory.bare.rssWhole), ratio(memory.telecal.rssWhole, memory.bare.rssWhole), ""));
console.log(row(`memory/idle viewer, V8 heap + external, 0->${IDLE_VIEWERS}`, kb(memory.telecal.heap), kb(memory.bare.heap), ratio(memory.telecal.heap, memory.bare.heap), ""));
console.log(row(`live p50, ${PROCESSES} processes (baseline: 1 process)`, ms(three.latency.p50), ms(one.latency.p50), ratio(three.latency.p50, one.latency.p50), ""));
console.log(row(`live p99, ${PROCESSES} processes (baseline: 1 process)`, ms(three.latency.p99), ms(one.latency.p99), ratio(three.latency.p99, one.latency.p99), "<= 50 ms"));
console.log(row(`live values lost, ${PROCESSES} processes / expected`, lost(three), lost(one), "", "0"));
console.log(row(`fan-in stored readings/s (baseline: offered)`, `${Math.round(storedRate).toLocaleString("en")}/s`, `${offered.toLocaleString("en")}/s`, ratio(storedRate, offered), ""));
console.log(row("fan-in ack latency p50", ms(fan.ackLatency.p50), "", "", ""));
console.log(row("fan-in ack latency p99", ms(fan.ackLatency.p99), "", "", ""));
console.log(
  `details: viewers connected in ${one.connectS.toFixed(1)} s (1 process), ${three.connectS.toFixed(1)} s (${PROCESSES}); ` +
    `complete viewers ${one.complete}/${one.viewers}, bare ${bare.complete}/${bare.viewers}, ${PROCESSES} processes ${three.complete}/${three.viewers}; ` +
    `values seen twice or out of order: ${one.repeated}, ${bare.repeated}, ${three.repeated}`,
);
console.log(`server process while measuring: 1 process ${loadText(one.load)}; bare ${loadText(bare.load)}; ${PROCESSES} processes ${loadText(three.load)}; fan-in ${loadText(fan.load)}`);
console.log(
  `fan-in: ${fan.batches.toLocaleString("en")} batches acked (${(fan.acked / Math.max(1, fan.batches)).toFixed(1)} readings each), ` +
    `${fan.refused} refused${fan.firstRefusal ? ` (first: ${fan.firstRefusal})` : ""}, ${fan.timeouts} timed out, ` +
    `${fan.backlog.toLocaleString("en")} readings waiting at the agents at the end; stored in PostgreSQL after the run ${fan.storedAfter.toLocaleString("en")} (acked ${fan.ackedAfter.toLocaleString("en")})`,
);
console.log(`note: the real agent sends at most one live message per ${LIVE_TICK_MS} ms (LIVE_TICK_MS); this bench sends one per ${TICK_MS} ms.`);
