import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Agent, AppliedCommand, InstrumentSimulator } from "@telecal/agent";
import { type Lease, type LiveValue, type SessionState, streamRef } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolAgent, login, seedUsers, TEST_PASSWORD } from "../../fakes/auth";
import { waitFor } from "../../fakes/bench";
import { type BenchA, registerBenchA, startBenchA } from "../../fakes/bench-a";
import { codeOf, connectViewer, type Viewer } from "../../fakes/ui-viewer";
import { TestDatabases } from "../../peers/postgres";
import { dropPrefix, requireRedis, TEST_REDIS_URL } from "../../peers/redis";


/**
 * Three server processes as one platform (each a startServer of its own, on one PostgreSQL database
 * and one Redis, under a key prefix of this file's): the agent on the third, the technician on the
 * second and the expert on the first hold one session, see one another and the agent's every live
 * value, and a grant made on one process fences the commands that arrive at another.
 */
describe("three server processes on one PostgreSQL and one Redis", () => {
  const databases = new TestDatabases();
  const prefix = `telecal-test-${randomBytes(4).toString("hex")}`;
  const dataDir = mkdtempSync(join(tmpdir(), "telecal-cluster-"));
  const servers: TelecalServer[] = [];
  const viewers: Viewer[] = [];
  const tokens: Record<string, string> = {};
  const userIds: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let bench: BenchA | undefined;
  let applied: AppliedCommand[] = [];
  /** What the agent's own process relayed, in order: the values every viewer must get. */
  const relayed: LiveValue[] = [];
  let agent: Agent;
  let calSim: InstrumentSimulator;
  let jobId: string;

  const [A, B, C] = [0, 1, 2];
  const server = (i: number) => servers[i]!;

  async function viewer(at: number, who: string): Promise<Viewer> {
    const v = await connectViewer(server(at).url, tokens[who]!);
    viewers.push(v);
    return v;
  }

  const call = (at: number, who: string, method: "GET" | "POST", url: string, payload?: object) =>
    server(at).app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
  const created = async (at: number, who: string, url: string, payload: object) => {
    const res = await call(at, who, "POST", url, payload);
    if (res.statusCode !== 201) throw new Error(`${who} POST ${url}: ${res.statusCode} ${res.body}`);
    return res.json<{ id: string }>().id;
  };
  const key = (v: LiveValue) => `${streamRef(v.agentId, v.streamId)}@${v.t}`;

  beforeAll(async () => {
    await requireRedis();
    const databaseUrl = await databases.fresh();
    // One after another: the first migrates the database, the others find it migrated.
    for (let i = 0; i < 3; i++) {
      servers.push(
        await startServer({
          host: "127.0.0.1",
          port: 0,
          logger: false,
          webRoot: null,
          databaseUrl,
          // The keys (record log, certificates) are the platform's, not a process's: one folder.
          dataDir,
          cluster: { redisUrl: TEST_REDIS_URL, prefix },
          auth: { loginLimit: { max: 5, windowMs: 60_000 } },
          sessions: { commandTimeoutMs: 5000 },
        }),
      );
    }
    await seedUsers(server(A));
    for (const who of ["admin", "expert", "technician", "trainer", "admin-b"]) {
      tokens[who] = await login(server(A), who);
      userIds[who] = (await server(A).store.auth.userByUsername(who))!.id;
    }
    const enrolled = await enrolAgent(server(A), "bench-a", "org-a");
    // The job is made at B, the rest at A: each process reads what the others wrote.
    const made = await registerBenchA((who, url, payload) => created(who === "technician" ? B : A, who, url, payload));
    ids["cal"] = made.cal;
    jobId = made.jobId;
    server(C).hub.onLive((values) => relayed.push(...values));
    bench = await startBenchA(server(C).url, enrolled, 200);
    ({ agent, calSim, applied } = bench);
    await waitFor("agent bench-a online at process C", () => (server(C).hub.summaries().some((a) => a.agentId === "bench-a" && a.online) ? true : undefined), 30_000);
  }, 120_000);

  afterAll(async () => {
    for (const v of viewers) v.socket.close();
    await bench?.close();
    for (const s of servers) await s.close();
    await databases.dropAll();
    await dropPrefix(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("a viewer at another process sees the agent online, its history, and every live value the agent's process relayed", async () => {
    // A's own hub never saw the agent: what it shows comes from C.
    expect(server(A).hub.summaries()).toEqual([]);
    await waitFor("history of dmm1.dcv at C", () => (relayed.some((v) => v.streamId === "dmm1.dcv") ? true : undefined), 20_000);
    const expert = await viewer(A, "expert");
    expect(expert.snapshot.agents).toMatchObject([{ agentId: "bench-a", online: true }]);
    const agents = await call(A, "expert", "GET", "/api/agents");
    expect(agents.json<{ agents: { agentId: string; online: boolean }[] }>().agents).toContainEqual(expect.objectContaining({ agentId: "bench-a", online: true }));
    const foreign = await viewer(B, "admin-b");
    expect(foreign.snapshot.agents).toEqual([]);

    // Every value C relayed after the viewer joined reaches it at A: none lost on the way through Redis.
    const from = relayed.length;
    await waitFor("40 more values relayed at C", () => (relayed.length >= from + 40 ? true : undefined), 30_000);
    const expected = relayed.slice(from, from + 40).map(key);
    await waitFor("those 40 values at the viewer on A", () => {
      const got = new Set(expert.live.map(key));
      return expected.every((k) => got.has(k)) ? true : undefined;
    }, 20_000);
    // Each once: the viewer's process sent them to it, no process twice.
    const seen = expert.live.map(key).filter((k) => expected.includes(k));
    expect(seen.length).toBe(expected.length);
    expect(foreign.live).toEqual([]);
  }, 90_000);

  it("two people at two processes hold one session: presence, a request seen at the other, a grant that fences commands arriving at another process", async () => {
    const tech = await viewer(B, "technician");
    const expert = await viewer(A, "expert");
    const joinedTech = await tech.ask<{ state: SessionState }>("session:join", { jobId });
    expect(codeOf(joinedTech)).toBe("ok");
    const joinedExpert = await expert.ask<{ state: SessionState }>("session:join", { jobId });
    if (!joinedExpert.ok) throw new Error(joinedExpert.error.code);
    // The expert's process never had the technician's socket: the list comes from B too.
    expect(joinedExpert.state.participants.map((p) => p.username).sort()).toEqual(["expert", "technician"]);
    await waitFor("the technician at B sees the expert join", () => (tech.presence.some((l) => l.some((p) => p.username === "expert" && p.connected)) ? true : undefined));

    const cal = ids["cal"]!;
    expect(codeOf(await expert.ask("session:lease-request", { jobId, instrumentId: cal }))).toBe("ok");
    await waitFor("the technician at B sees the request made at A", () => tech.leases.find((l) => l.requests.some((u) => u.username === "expert")));
    // The grant is made at B to a person whose socket is at A.
    const granted = await tech.ask<{ lease: Lease }>("session:lease-grant", { jobId, instrumentId: cal, to: userIds["expert"] });
    if (!granted.ok) throw new Error(`${granted.error.code}: ${granted.error.message}`);
    const epoch = granted.lease.epoch;
    expect(granted.lease.requests).toEqual([]);
    await waitFor("the expert at A sees the grant", () => expert.leases.find((l) => l.holder?.username === "expert" && l.epoch === epoch));

    // A command at A reaches the agent at C.
    const done = await expert.ask("session:command", { jobId, instrumentId: cal, epoch, command: { kind: "set", value: 1.5, unit: "V" } });
    expect(done, JSON.stringify(done)).toMatchObject({ ok: true, epoch });
    expect(applied.at(-1)).toMatchObject({ command: { instrument: "cal1", epoch } });
    expect(calSim.property("output")).toBe(1.5);

    // Revoked at B: the old epoch, arriving at A, is refused; the agent at C learned the new one.
    const revoked = await tech.ask<{ lease: Lease }>("session:lease-revoke", { jobId, instrumentId: cal });
    expect(revoked.ok && revoked.lease.epoch).toBe(epoch + 1);
    await waitFor("the agent learns the new epoch", () => (agent.commands.epoch("cal1") === epoch + 1 ? true : undefined));
    const before = applied.length;
    expect(codeOf(await expert.ask("session:command", { jobId, instrumentId: cal, epoch, command: { kind: "set", value: 2, unit: "V" } }))).toBe("TC_ERR_LEASE_STALE_EPOCH");
    expect(applied.length).toBe(before);
    expect(calSim.property("output")).toBe(1.5);

    // The session's room at A hears the agent's live values, sent from C.
    const liveBefore = expert.live.length;
    await waitFor("more live values at the expert", () => (expert.live.length > liveBefore + 10 ? true : undefined), 20_000);
  }, 90_000);

  it("a sign-out at one process ends the person's sockets at another, and failed sign-ins at one lock the others", async () => {
    const trainer = await viewer(B, "trainer");
    let reason = "";
    trainer.socket.once("disconnect", (r) => void (reason = r));
    expect((await call(A, "trainer", "POST", "/api/auth/logout")).statusCode).toBe(200);
    expect(await waitFor("the trainer's socket at B ended by the server", () => reason || undefined)).toBe("io server disconnect");

    const signIn = (at: number, password: string) => server(at).app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "trainee", password } });
    for (let i = 0; i < 5; i++) expect((await signIn(A, "wrong-password")).statusCode).toBe(401);
    // Told through Redis: B locks the pair (same address, same username) once it has heard.
    await waitFor("process B refusing trainee after the failures at A", async () => ((await signIn(B, TEST_PASSWORD)).statusCode === 429 ? true : undefined));
  });
});
