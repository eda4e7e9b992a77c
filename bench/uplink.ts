// Uplink figures, each beside a bare baseline measured in the same run, on loopback:
//  1. live latency agent -> server -> viewer, beside a bare socket.io relay of the same payload;
//  2. persisted, signed ingest (schema check, signature check, SQLite store, record log) beside a bare
//     batched SQLite insert, in batches of the agent's size;
//  3. drain of a one-hour backlog (8 channels x 10 Hz = 288,000 readings) with live p99 meanwhile.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NAMESPACE, ReadingBatch } from "@telecal/protocols";
import { MAX_BATCH } from "@telecal/agent/uplink/batch-sender";
import { startServer } from "@telecal/server";
import { Database } from "@telecal/server/store/sqlite-driver";
import { Server } from "socket.io";
import { io, type Socket } from "socket.io-client";
import { silentLogger } from "@telecal/agent/log";
import { agentNow } from "@telecal/agent/uplink/clock-sync";
import { Outbox } from "@telecal/agent/uplink/outbox";
import { Uplink } from "@telecal/agent/uplink/uplink";
import { enrolAgent, login, seedUsers, signBatch } from "../test/fakes/auth";
import { benchHello } from "./_hello";
import { summarise } from "./_stats";

const CHANNELS = 8;
const RATE_HZ = 10;
const LIVE_SECONDS = 10;
const BACKLOG = CHANNELS * RATE_HZ * 3600;

const dataDir = mkdtempSync(join(tmpdir(), "telecal-bench-"));
const server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir });
await seedUsers(server);
const token = await login(server, "technician");

function viewer(url: string, auth?: object): Promise<Socket> {
  const socket = io(url, { transports: ["websocket"], forceNew: true, auth });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => reject(new Error(`bench: cannot connect to ${url}: ${err.message}`)));
  });
}

/** Latencies (ms) of live values seen by `ui` while `send(i)` runs at 10 Hz per channel for `seconds`. */
async function measureLive(ui: Socket, send: (channel: number, t: number) => void, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const onLive = (values: { t: number }[]) => {
    const now = agentNow();
    for (const v of values) latencies.push(now - v.t);
  };
  ui.on("live", onLive);
  for (let tick = 0; tick < seconds * RATE_HZ; tick++) {
    for (let c = 0; c < CHANNELS; c++) send(c, agentNow());
    await new Promise((r) => setTimeout(r, 1000 / RATE_HZ));
  }
  await new Promise((r) => setTimeout(r, 200));
  ui.off("live", onLive);
  return latencies;
}

async function agentUplink(agentId: string, outboxFile: string, channels: number): Promise<{ uplink: Uplink; outbox: Outbox }> {
  const { auth, deviceKey } = await enrolAgent(server, agentId);
  const outbox = new Outbox({ file: outboxFile, log: silentLogger, onCommit: () => uplink.kick() });
  const uplink: Uplink = new Uplink({ serverUrl: server.url, hello: () => benchHello(agentId, channels), log: silentLogger, outbox, auth, deviceKey });
  return { uplink, outbox };
}

function row(name: string, value: string, base: string, ratio: string): string {
  return `${name.padEnd(44)}${value.padStart(16)}${base.padStart(16)}${ratio.padStart(10)}`;
}

// 1. Live latency.
const progress = (what: string) => process.stderr.write(`bench uplink: ${what}\n`);
progress("live latency");
const live = await agentUplink("bench-live", ":memory:", CHANNELS);
live.uplink.start();
const ui = await viewer(`${server.url}${NAMESPACE.ui}`, { token });
await new Promise((r) => setTimeout(r, 1000));
const stack = summarise(
  await measureLive(ui, (c, t) => live.uplink.push(`ch${c}`, `ch${c}.dcv`, "V", { t, value: 10 + c * 1e-6, flags: 0 }), LIVE_SECONDS),
);

const relayHttp = createServer();
const relay = new Server(relayHttp, { serveClient: false });
const relayOutNsp = relay.of("/out");
relay.of("/in").on("connection", (s) => s.on("live", (v: unknown) => relayOutNsp.volatile.emit("live", v)));
await new Promise<void>((r) => relayHttp.listen(0, "127.0.0.1", () => r()));
const relayUrl = `http://127.0.0.1:${(relayHttp.address() as { port: number }).port}`;
const relayIn = await viewer(`${relayUrl}/in`);
const relayOut = await viewer(`${relayUrl}/out`);
const bare = summarise(
  await measureLive(
    relayOut,
    (c, t) => relayIn.volatile.emit("live", [{ instrumentId: `ch${c}`, streamId: `ch${c}.dcv`, t, value: 10 + c * 1e-6, unit: "V", flags: 0 }]),
    LIVE_SECONDS,
  ),
);
relayIn.close();
relayOut.close();
await relay.close();
await live.uplink.stop();
live.outbox.close();

progress("ingest");
// 2. Ingest throughput: the server's own path for a batch (parse, verify the signature, store with
// the record log) vs bare SQLite, both in batches of the size the agent sends.
const ingestAgent = "bench-ingest";
const { deviceKey: ingestKey } = await enrolAgent(server, ingestAgent);
await server.store.announce(benchHello(ingestAgent, CHANNELS));
const BATCH = MAX_BATCH;
const batches: unknown[] = [];
for (let first = 0; first < BACKLOG / CHANNELS; first += BATCH) {
  for (let c = 0; c < CHANNELS; c++) {
    batches.push(signBatch({
      streamId: `ch${c}.dcv`,
      instrumentId: `ch${c}`,
      firstSeq: first,
      t: Array.from({ length: BATCH }, (_, i) => 1.7e12 + (first + i) * 100),
      values: Array.from({ length: BATCH }, (_, i) => 10 + i * 1e-7),
      flags: Array.from({ length: BATCH }, () => 0),
      unit: "V",
      clock: { offsetMs: 0.012, uncertaintyMs: 0.4 },
      historical: true,
    }, ingestKey));
  }
}
const t0 = performance.now();
for (const raw of batches) {
  const batch = ReadingBatch.parse(raw);
  await server.hub.verifyBatch(ingestAgent, batch);
  await server.store.readings.storeBatch(ingestAgent, batch);
}
const ingestS = (performance.now() - t0) / 1000;

const bareDb = new Database(join(dataDir, "bare.db"));
bareDb.pragma("journal_mode = WAL");
bareDb.pragma("synchronous = FULL");
bareDb.exec(
  "CREATE TABLE readings (agent_id TEXT, stream_id TEXT, seq INTEGER, t REAL, value REAL, flags INTEGER, clock_offset_ms REAL, clock_uncertainty_ms REAL, historical INTEGER, received_at REAL, PRIMARY KEY (agent_id, stream_id, seq)) WITHOUT ROWID",
);
const insert = bareDb.prepare("INSERT INTO readings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
const t1 = performance.now();
for (const raw of batches as ReadingBatch[]) {
  bareDb.transaction(() => {
    for (let i = 0; i < raw.t.length; i++) {
      insert.run("bare", raw.streamId, raw.firstSeq + i, raw.t[i], raw.values[i], raw.flags[i], 0.012, 0.4, 1, Date.now());
    }
  })();
}
const bareS = (performance.now() - t1) / 1000;
bareDb.close();

progress("drain");
// 3. Drain of a one-hour backlog from the agent's outbox, with live values flowing meanwhile.
const backlogFile = join(dataDir, "backlog-outbox.db");
{
  const outbox = new Outbox({ file: backlogFile, log: silentLogger, capacity: BACKLOG + 1000 });
  const start = Date.now() - 3600_000;
  for (let i = 0; i < BACKLOG / CHANNELS; i++) {
    for (let c = 0; c < CHANNELS; c++) outbox.push(`ch${c}`, `ch${c}.dcv`, "V", { t: start + i * 100, value: 10, flags: 0 });
    if (i % 1000 === 0) outbox.commit();
  }
  outbox.commit();
  outbox.close();
}
const drain = await agentUplink("bench-drain", backlogFile, CHANNELS);
const d0 = performance.now();
drain.uplink.start();
const liveDuring: number[] = [];
const onLive = (values: { t: number }[]) => {
  const now = agentNow();
  for (const v of values) liveDuring.push(now - v.t);
};
ui.on("live", onLive);
const ticker = setInterval(() => {
  for (let c = 0; c < CHANNELS; c++) drain.uplink.push(`ch${c}`, `ch${c}.dcv`, "V", { t: agentNow(), value: 10, flags: 0 });
}, 1000 / RATE_HZ);
while (drain.outbox.size > CHANNELS * 50) await new Promise((r) => setTimeout(r, 50));
const drainS = (performance.now() - d0) / 1000;
clearInterval(ticker);
ui.off("live", onLive);
const during = summarise(liveDuring);
await drain.uplink.stop();
drain.outbox.close();
ui.close();
await server.close();
rmSync(dataDir, { recursive: true, force: true });

const f = (ms: number) => `${ms.toFixed(3)} ms`;
console.log(`uplink on loopback: ${CHANNELS} channels at ${RATE_HZ} Hz; batches of ${BATCH}, signed (Ed25519); SQLite data dir (WAL, synchronous=FULL)`);
console.log(row("figure", "telecal", "baseline", "ratio"));
console.log(row("live latency p50 (bare socket.io relay)", f(stack.p50), f(bare.p50), (stack.p50 / bare.p50).toFixed(2)));
console.log(row("live latency p99", f(stack.p99), f(bare.p99), (stack.p99 / bare.p99).toFixed(2)));
const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString("en")}/s`;
console.log(row("ingest readings/s (bare batched SQLite insert)", rate(BACKLOG, ingestS), rate(BACKLOG, bareS), (bareS / ingestS).toFixed(2)));
console.log(row(`drain of ${BACKLOG.toLocaleString("en")} readings (aim <= 30 s)`, `${drainS.toFixed(1)} s`, "", ""));
console.log(row("live latency p99 during the drain (aim < 50 ms)", f(during.p99), "", ""));
console.log("aims: live p50 <= 1 ms and <= 1.3x the bare relay; ingest >= 100,000/s and >= 0.5x bare");

