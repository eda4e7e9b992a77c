// SCPI query round trip through the whole driver stack (TcpTransport, ScpiSession with its queue,
// framer and timeout) beside a bare net.Socket write/read of the same query, against the same
// simulator, in one run. Rounds alternate so that machine noise hits both alike.
import { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { ScpiSession } from "@telecal/agent/dialects/scpi";
import { silentLogger } from "@telecal/agent/log";
import { getSimDefinition } from "@telecal/agent/simulators/catalog";
import { InstrumentSimulator } from "@telecal/agent/simulators/engine";
import { serveTcp } from "@telecal/agent/simulators/tcp-server";
import { TcpTransport } from "@telecal/agent/transports/tcp";
import { ms, summarise } from "./_stats";

const QUERY = "FETC?";
const ROUNDS = 20;
const PER_ROUND = 250;

const sim = await serveTcp(new InstrumentSimulator(getSimDefinition("keysight-34465a")), "127.0.0.1", 0);

const transport = new TcpTransport({ host: "127.0.0.1", port: sim.port });
const up = new Promise<void>((resolve) => transport.on("up", () => resolve()));
transport.open();
await up;
const session = new ScpiSession(transport, { name: "bench", terminator: "\n", timeoutMs: 5000 }, silentLogger);

const bare = new Socket();
bare.setNoDelay(true);
await new Promise<void>((resolve) => bare.connect(sim.port, "127.0.0.1", () => resolve()));
let pending: (() => void) | null = null;
let buffered = "";
bare.on("data", (chunk: Buffer) => {
  buffered += chunk.toString("latin1");
  const end = buffered.indexOf("\n");
  if (end >= 0 && pending) {
    buffered = buffered.slice(end + 1);
    const done = pending;
    pending = null;
    done();
  }
});
const bareQuery = () =>
  new Promise<void>((resolve) => {
    pending = resolve;
    bare.write(`${QUERY}\n`);
  });

const stack: number[] = [];
const raw: number[] = [];
for (let i = 0; i < 200; i++) {
  await session.query(QUERY);
  await bareQuery();
}
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < PER_ROUND; i++) {
    const t0 = performance.now();
    await session.query(QUERY);
    stack.push(performance.now() - t0);
  }
  for (let i = 0; i < PER_ROUND; i++) {
    const t0 = performance.now();
    await bareQuery();
    raw.push(performance.now() - t0);
  }
}

const s = summarise(stack);
const b = summarise(raw);
console.log(`SCPI round trip of ${QUERY} against the simulated 34465A on loopback, ${s.n} queries each`);
console.log("path                     mean        p50         p99");
console.log(`driver stack          ${ms(s.mean).padStart(10)}  ${ms(s.p50).padStart(10)}  ${ms(s.p99).padStart(10)}`);
console.log(`bare net.Socket       ${ms(b.mean).padStart(10)}  ${ms(b.p50).padStart(10)}  ${ms(b.p99).padStart(10)}`);
console.log(`ratio stack/bare: mean ${(s.mean / b.mean).toFixed(3)}, p50 ${(s.p50 / b.p50).toFixed(3)} (aim: at most 1.1)`);

bare.destroy();
await transport.close();
await sim.close();
