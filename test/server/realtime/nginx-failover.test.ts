import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Agent, InstrumentSimulator } from "@telecal/agent";
import type { Lease, SessionState } from "@telecal/protocols";
import { startServer, Store } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolAgent, login, seedUsers, TEST_PASSWORD } from "../../fakes/auth";
import { waitFor } from "../../fakes/bench";
import { type BenchA, registerBenchA, startBenchA } from "../../fakes/bench-a";
import { runTelecal, type Running } from "../../fakes/cli";
import { codeOf, connectViewer, type Viewer } from "../../fakes/ui-viewer";
import { type Nginx, startNginx } from "../../peers/nginx";
import { freePort } from "../../peers/ports";
import { TestDatabases } from "../../peers/postgres";
import { dropPrefix, requireRedis, TEST_REDIS_URL } from "../../peers/redis";

const READY = /telecal server at (http:\/\/\S+)/;

/** One `telecal server` process of the platform, on its own port. */
interface Proc {
  port: number;
  running: Running;
}

/** The JSON log lines (stderr) of a process whose message is `msg`. */
function logged(proc: Proc, msg: string): Record<string, unknown>[] {
  return proc.running
    .stderr()
    .split("\n")
    .flatMap((line) => {
      if (!line.startsWith("{")) return [];
      const entry = JSON.parse(line) as Record<string, unknown>;
      return entry["msg"] === msg ? [entry] : [];
    });
}

/**
 * Three `telecal server` processes, started as an operator starts them (--database, --redis), behind
 * Debian's nginx with the configuration of docs/nginx/telecal.conf. The agent and the people connect
 * to nginx only. The process holding the agent is killed (SIGKILL) mid-session: the agent and that
 * process's viewers are back on the others, no acknowledged reading is lost, the session's lease,
 * chat and step are intact, and the restarted process takes clients again.
 */
describe("three telecal server processes behind nginx, one of them killed", () => {
  const databases = new TestDatabases();
  const prefix = `telecal-test-${randomBytes(4).toString("hex")}`;
  const dataDir = mkdtempSync(join(tmpdir(), "telecal-failover-"));
  const procs: Proc[] = [];
  const viewers: Viewer[] = [];
  const tokens: Record<string, string> = {};
  let bench: BenchA | undefined;
  let databaseUrl: string;
  let nginx: Nginx;
  let agent: Agent;
  let calSim: InstrumentSimulator;
  let jobId: string;
  let calId: string;
  let expertId: string;

  const args = (port: number) => [
    "server",
    ...["--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDir, "--database", databaseUrl],
    ...["--redis", TEST_REDIS_URL, "--redis-prefix", prefix, "--trust-proxy", "127.0.0.1"],
  ];
  const start = async (port: number): Promise<Proc> => ({ port, running: await runTelecal(args(port), READY) });

  /** A request through nginx, as the web app makes it. */
  async function api<T>(who: string, method: "GET" | "POST", path: string, body?: object): Promise<T> {
    const res = await fetch(`${nginx.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${who} ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async function viewer(who: string): Promise<Viewer> {
    const v = await connectViewer(nginx.url, tokens[who]!, true);
    viewers.push(v);
    return v;
  }

  /** The process a viewer's socket is at, from the line each process logs for a new viewer. */
  const where = (v: Viewer) =>
    waitFor(`the process of viewer ${v.socket.id}`, () => {
      const i = procs.findIndex((p) => logged(p, "viewer connected").some((e) => e["socketId"] === v.socket.id));
      return i === -1 ? undefined : i;
    });
  /** The process the agent last came online at. */
  const agentAt = (since = 0) => {
    const at = procs.map((p) => Math.max(...logged(p, "agent online").filter((e) => e["agentId"] === "bench-a").map((e) => Number(e["time"])), 0));
    const newest = Math.max(...at);
    return newest >= since && newest > 0 ? at.indexOf(newest) : undefined;
  };
  const calLease = (state: SessionState) => state.leases.find((l) => l.instrumentId === calId);

  beforeAll(async () => {
    await requireRedis();
    databaseUrl = await databases.fresh();
    // The platform's users, bench and job, made once in the database the processes will share.
    const seed = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, databaseUrl, dataDir });
    let enrolled: Awaited<ReturnType<typeof enrolAgent>> | undefined;
    try {
      await seedUsers(seed);
      enrolled = await enrolAgent(seed, "bench-a", "org-a");
      const seedTokens = { admin: await login(seed, "admin"), technician: await login(seed, "technician") };
      ({ cal: calId, jobId } = await registerBenchA(async (who, url, payload) => {
        const res = await seed.app.inject({ method: "POST", url, headers: { authorization: `Bearer ${seedTokens[who as keyof typeof seedTokens]}` }, payload });
        if (res.statusCode !== 201) throw new Error(`${who} POST ${url}: ${res.statusCode} ${res.body}`);
        return res.json<{ id: string }>().id;
      }));
      expertId = (await seed.store.auth.userByUsername("expert"))!.id;
    } finally {
      await seed.close();
    }

    // One after another: each checks the CLI bundle is current, and the first to find it stale rebuilds it.
    for (let i = 0; i < 3; i++) procs.push(await start(await freePort()));
    nginx = await startNginx(await freePort(), procs.map((p) => p.port));
    for (const who of ["technician", "expert", "admin"]) {
      const res = await fetch(`${nginx.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: who, password: TEST_PASSWORD }) });
      tokens[who] = ((await res.json()) as { token: string }).token;
    }

    bench = await startBenchA(nginx.url, enrolled, 200);
    ({ agent, calSim } = bench);
    await waitFor("agent bench-a online at a process behind nginx", () => agentAt(), 60_000);
  }, 240_000);

  afterAll(async () => {
    for (const v of viewers) v.socket.close();
    await bench?.close();
    await nginx?.stop();
    for (const p of procs) await p.running.stop();
    await databases.dropAll();
    await dropPrefix(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("holds one session through nginx, then loses the agent's process: everyone is back on the others with the session intact", async () => {
    const tech = await viewer("technician");
    const expert = await viewer("expert");
    expect(codeOf(await tech.ask("session:join", { jobId }))).toBe("ok");
    expect(codeOf(await expert.ask("session:join", { jobId }))).toBe("ok");
    expect(codeOf(await expert.ask("session:lease-request", { jobId, instrumentId: calId }))).toBe("ok");
    const granted = await tech.ask<{ lease: Lease }>("session:lease-grant", { jobId, instrumentId: calId, to: expertId });
    if (!granted.ok) throw new Error(`${granted.error.code}: ${granted.error.message}`);
    const epoch = granted.lease.epoch;
    expect(codeOf(await tech.ask("session:chat", { jobId, text: "先校 1 V 点 / 1 V first" }))).toBe("ok");
    expect(await expert.ask("session:command", { jobId, instrumentId: calId, epoch, command: { kind: "set", value: 1.5, unit: "V" } })).toMatchObject({ ok: true });
    expect(calSim.property("output")).toBe(1.5);
    const jobBefore = await api<object>("technician", "GET", `/api/jobs/${jobId}`);

    // The agent's process is the one to die; a viewer of it too (nginx deals round robin: a few tries).
    const victim = agentAt()!;
    const onVictim: Viewer[] = [];
    for (const v of [tech, expert]) if ((await where(v)) === victim) onVictim.push(v);
    for (let tries = 0; onVictim.length === 0 && tries < 9; tries++) {
      const v = await viewer("admin");
      if ((await where(v)) === victim) onVictim.push(v);
    }
    expect(onVictim.length, "no viewer reached the agent's process through nginx").toBeGreaterThan(0);

    const killedAt = Date.now();
    const dead = new Promise((resolve) => procs[victim]!.running.child.once("exit", resolve));
    procs[victim]!.running.child.kill("SIGKILL");
    await dead;
    const agentBack = await waitFor("the agent online at another process", () => agentAt(killedAt), 30_000);
    const agentMs = Date.now() - killedAt;
    expect(agentBack).not.toBe(victim);
    await waitFor("the killed process's viewers reconnected", () => (onVictim.every((v) => v.connects >= 2 && v.socket.connected) ? true : undefined), 30_000);
    const viewersMs = Date.now() - killedAt;
    console.log(`failover through nginx: agent back after ${agentMs} ms, its process's ${onVictim.length} viewer(s) after ${viewersMs} ms`);

    // The session as it was: the lease held by the expert under the same epoch, the chat, the step.
    const rejoined = await tech.ask<{ state: SessionState }>("session:join", { jobId });
    if (!rejoined.ok) throw new Error(rejoined.error.code);
    expect(calLease(rejoined.state)).toMatchObject({ holder: { username: "expert" }, epoch });
    expect(rejoined.state.chat.map((m) => m.text)).toContain("先校 1 V 点 / 1 V first");
    expect(await api<object>("technician", "GET", `/api/jobs/${jobId}`)).toEqual(jobBefore);
    expect(codeOf(await expert.ask("session:join", { jobId }))).toBe("ok");
    const again = await expert.ask("session:command", { jobId, instrumentId: calId, epoch, command: { kind: "set", value: 2.5, unit: "V" } });
    expect(again, JSON.stringify(again)).toMatchObject({ ok: true });
    expect(calSim.property("output")).toBe(2.5);
    const live = onVictim[0]!.live.length;
    await waitFor("live values at a viewer of the killed process, now elsewhere", () => (onVictim[0]!.live.length > live + 5 ? true : undefined), 20_000);

    // Every reading the agent made up to now is stored once, none missing: the ones the dead
    // process had acked included (an ack follows the commit).
    const store = await Store.open(databaseUrl);
    try {
      const streams = await store.db.selectFrom("streams").select(["stream_id"]).where("agent_id", "=", "bench-a").execute();
      expect(streams.length).toBeGreaterThan(0);
      for (const { stream_id } of streams) {
        const made = agent.outbox.nextSeq(stream_id) - 1;
        await waitFor(`stream ${stream_id} acked to ${made}`, async () => {
          const row = await store.db.selectFrom("streams").select("acked_seq").where("agent_id", "=", "bench-a").where("stream_id", "=", stream_id).executeTakeFirstOrThrow();
          return row.acked_seq >= made ? true : undefined;
        }, 30_000);
        const stored = await store.db
          .selectFrom("readings")
          .select((eb) => [eb.fn.countAll<string>().as("n"), eb.fn.min("seq").as("first"), eb.fn.max("seq").as("last")])
          .where("agent_id", "=", "bench-a")
          .where("stream_id", "=", stream_id)
          .where("seq", "<=", made)
          .executeTakeFirstOrThrow();
        expect({ stream: stream_id, n: Number(stored.n), last: Number(stored.last) }).toEqual({ stream: stream_id, n: made - Number(stored.first) + 1, last: made });
      }
    } finally {
      await store.close();
    }

    // Restarted on its port, the process takes clients again: a new viewer through nginx lands on
    // it and sees the agent (held by another process) and its live values.
    procs[victim] = await start(procs[victim]!.port);
    const back = await waitFor("a new viewer at the restarted process", async () => {
      const v = await viewer("admin");
      return (await where(v)) === victim ? v : (v.socket.close(), undefined);
    }, 60_000);
    expect(back.snapshot.agents).toContainEqual(expect.objectContaining({ agentId: "bench-a", online: true }));
    await waitFor("live values at the restarted process's viewer", () => (back.live.length > 5 ? true : undefined), 20_000);
  }, 240_000);
});
