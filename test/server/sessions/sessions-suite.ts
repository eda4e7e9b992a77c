import { spawnSync } from "node:child_process";
import type { Agent, AppliedCommand, InstrumentSimulator } from "@telecal/agent";
import {
  type Annotation,
  type ChatMessage,
  type Lease,
  NAMESPACE,
  type Participant,
  type Reply,
  type SessionEventsResponse,
  type SessionRecord,
  type SessionState,
} from "@telecal/protocols";
import { LeaseBook, startServer, type TelecalServer } from "@telecal/server";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolAgent, login, seedUsers } from "../../fakes/auth";
import { waitFor } from "../../fakes/bench";
import { type BenchA, registerBenchA, startBenchA } from "../../fakes/bench-a";
import { BIN } from "../../fakes/cli";
import { emitAck } from "../../fakes/acks";


/** Chat messages a user may send in the suite's rate-limit window. */
const CHAT_MAX = 8;
/** Session events of any kind a user may send in the suite's window (each may leave a record). */
const EVENT_MAX = 60;

type Who = "admin" | "expert" | "technician" | "trainee" | "trainer" | "admin-b";

/** A signed-in /ui client that keeps what the session's room sends it. */
interface Client {
  who: Who;
  socket: Socket;
  chat: ChatMessage[];
  presence: Participant[][];
  leases: Lease[];
  events: SessionRecord[];
  annotations: Annotation[];
  cleared: { jobId: string; target: string; by: { username: string } }[];
  /** Job ids of the `session:run` pushes. */
  runs: string[];
  ask<T extends object>(event: string, body: object): Promise<Reply<T>>;
}

/**
 * Live sessions on a real server with a real agent beside a simulated calibrator and DMM: presence
 * and chat, the snapshot a late joiner gets, control leases with their fencing epoch, commands that
 * reach the instrument within the job's output envelope, annotations, connection quality, pushes of
 * the job's run, and refusals (foreign organisation, trainee, stale epoch, envelope), each recorded.
 */
export function sessionsSuite(name: string, database: () => Promise<{ databaseUrl?: string; dataDir?: string; verifyArgs: string[] }>, done: () => Promise<void>) {
  describe(`live sessions on ${name}`, () => {
    let server: TelecalServer;
    let verifyArgs: string[];
    let bench: BenchA | undefined;
    let agent: Agent;
    let calSim: InstrumentSimulator;
    const tokens: Partial<Record<Who, string>> = {};
    const userIds: Partial<Record<Who, string>> = {};
    const ids: Record<string, string> = {};
    const clients: Client[] = [];
    /** The latest joined client of each user. */
    const named: Partial<Record<Who, Client>> = {};
    let applied: AppliedCommand[] = [];
    let jobId: string;
    let agentStopped = false;

    const call = (who: Who, method: "GET" | "POST", url: string, payload?: object) =>
      server.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
    const created = async (who: Who, url: string, payload: object) => {
      const res = await call(who, "POST", url, payload);
      if (res.statusCode !== 201) throw new Error(`${who} POST ${url}: ${res.statusCode} ${res.body}`);
      return res.json<{ id: string }>();
    };
    const replay = async (who: Who = "technician") => {
      const res = await call(who, "GET", `/api/sessions/${jobId}/events`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<SessionEventsResponse>().events;
    };

    async function connect(who: Who): Promise<Client> {
      const socket = io(`${server.url}${NAMESPACE.ui}`, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { token: tokens[who] } });
      const client: Client = {
        who,
        socket,
        chat: [],
        presence: [],
        leases: [],
        events: [],
        annotations: [],
        cleared: [],
        runs: [],
        ask: (event, body) => socket.timeout(10_000).emitWithAck(event, body),
      };
      socket.on("session:chat", (m: ChatMessage) => client.chat.push(m));
      socket.on("session:presence", (m: { participants: Participant[] }) => client.presence.push(m.participants));
      socket.on("session:lease", (m: { lease: Lease }) => client.leases.push(m.lease));
      socket.on("session:event", (m: { record: SessionRecord }) => client.events.push(m.record));
      socket.on("session:annotation", (a: Annotation) => client.annotations.push(a));
      socket.on("session:annotations-cleared", (m: Client["cleared"][number]) => client.cleared.push(m));
      socket.on("session:run", (m: { jobId: string }) => client.runs.push(m.jobId));
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      clients.push(client);
      return client;
    }

    async function joined(who: Who): Promise<{ client: Client; state: SessionState }> {
      const client = await connect(who);
      const reply = await client.ask<{ state: SessionState }>("session:join", { jobId });
      if (!reply.ok) throw new Error(`${who} join: ${reply.error.code}`);
      named[who] = client;
      return { client, state: reply.state };
    }

    const codeOf = (reply: Reply<object>) => (reply.ok ? "ok" : reply.error.code);

    beforeAll(async () => {
      const db = await database();
      verifyArgs = db.verifyArgs;
      server = await startServer({
        host: "127.0.0.1",
        port: 0,
        logger: false,
        webRoot: null,
        ...db,
        auth: { loginLimit: { max: 1000, windowMs: 60_000 } },
        sessions: { chatLimit: { max: CHAT_MAX, windowMs: 60_000 }, eventLimit: { max: EVENT_MAX, windowMs: 60_000 }, commandTimeoutMs: 5000 },
      });
      await seedUsers(server);
      for (const who of ["admin", "expert", "technician", "trainee", "trainer", "admin-b"] as const) {
        tokens[who] = await login(server, who);
        userIds[who] = (await server.store.auth.userByUsername(who))!.id;
      }
      const enrolled = await enrolAgent(server, "bench-a", "org-a");
      const made = await registerBenchA(async (who, url, payload) => (await created(who as Who, url, payload)).id);
      ids["cal"] = made.cal;
      ids["dmm"] = made.dmm;
      jobId = made.jobId;
      bench = await startBenchA(server.url, enrolled, 500);
      ({ agent, calSim, applied } = bench);
      await waitFor("agent bench-a online", () => (server.hub.summaries().some((a) => a.agentId === "bench-a" && a.online) ? true : undefined));
    }, 60_000);

    afterAll(async () => {
      for (const c of clients) c.socket.close();
      await bench?.close(agentStopped);
      await server?.close();
      await done();
    });

    it("refuses a user of another organisation on join and on replay, and an unknown job", async () => {
      const foreign = await connect("admin-b");
      expect(codeOf(await foreign.ask("session:join", { jobId }))).toBe("TC_ERR_JOB_NOT_FOUND");
      expect(codeOf(await foreign.ask("session:chat", { jobId, text: "hello" }))).toBe("TC_ERR_JOB_NOT_FOUND");
      expect((await call("admin-b", "GET", `/api/sessions/${jobId}/events`)).statusCode).toBe(404);
      expect(codeOf(await foreign.ask("session:join", { jobId: "no-such-job" }))).toBe("TC_ERR_JOB_NOT_FOUND");
      expect(codeOf(await foreign.ask("session:join", { jobId, extra: 1 }))).toBe("TC_ERR_VALIDATION");
      foreign.socket.close();
    });

    it("presence and chat reach everyone; a late joiner gets participants, chat, leases and events at once", async () => {
      const tech = await joined("technician");
      expect(tech.state.participants.map((p) => p.username)).toEqual(["technician"]);
      expect(tech.state.instruments.map((i) => [i.equipment, i.agentInstrumentId]).sort()).toEqual([["calibrator", "cal1"], ["dmm", "dmm1"]]);
      // The calibrator sources the procedure's points (-10 V to 1000 V, 100 Ω to 10 MΩ); the meter sources nothing.
      expect(Object.fromEntries(tech.state.instruments.map((i) => [i.equipment, i.envelope]))).toEqual({ calibrator: [{ unit: "V", min: -10, max: 1000 }, { unit: "Ω", min: 0, max: 10_000_000 }], dmm: [] });
      expect(tech.state.annotations).toEqual([]);
      const expert = await joined("expert");
      await waitFor("technician sees the expert", () => tech.client.presence.at(-1)?.some((p) => p.username === "expert" && p.connected) || undefined);

      const said = await tech.client.ask<{ message: ChatMessage }>("session:chat", { jobId, text: "  请看 10 V 点  " });
      expect(said.ok && said.message.text).toBe("请看 10 V 点");
      await waitFor("chat reaches the expert", () => expert.client.chat.find((m) => m.text === "请看 10 V 点"));
      await waitFor("chat reaches its sender", () => tech.client.chat.find((m) => m.text === "请看 10 V 点"));
      expect(codeOf(await expert.client.ask("session:chat", { jobId, text: "x".repeat(2001) }))).toBe("TC_ERR_VALIDATION");
      expect(codeOf(await expert.client.ask("session:chat", { jobId, text: "   " }))).toBe("TC_ERR_VALIDATION");

      const late = await joined("trainee");
      expect(late.state.you.username).toBe("trainee");
      expect(late.state.participants.map((p) => [p.username, p.connected]).sort()).toEqual([["expert", true], ["technician", true], ["trainee", true]]);
      expect(late.state.chat.map((m) => [m.from.username, m.text])).toEqual([["technician", "请看 10 V 点"]]);
      expect(late.state.leases.map((l) => [l.epoch, l.holder])).toEqual([[0, null], [0, null]]);
      expect(late.state.events.map((r) => r.payload.event)).toEqual(["joined", "joined", "chat", "joined"]);
      await waitFor("everyone sees the trainee", () => (tech.client.presence.at(-1)?.length === 3 && expert.client.presence.at(-1)?.length === 3) || undefined);
    });

    it("a participant who drops stays listed as not connected, and is back with the state on rejoin", async () => {
      const tech = named.technician!;
      named.expert!.socket.close();
      await waitFor("the expert shown as dropped", () => tech.presence.at(-1)?.some((p) => p.username === "expert" && !p.connected) || undefined);
      const back = await joined("expert");
      expect(back.state.participants.find((p) => p.username === "expert")?.connected).toBe(true);
      expect(back.state.chat.map((m) => m.text)).toContain("请看 10 V 点");
      const events = await replay();
      expect(events.filter((r) => r.payload.event === "left").map((r) => r.payload)).toEqual([expect.objectContaining({ dropped: true })]);
    });

    it("lease: the expert asks, the technician grants, the expert's command reaches the calibrator with the epoch; revoked, the old epoch is refused and recorded", async () => {
      const tech = (await joined("technician")).client;
      const expert = (await joined("expert")).client;
      const cal = ids["cal"]!;

      const asked = await expert.ask<{ lease: Lease }>("session:lease-request", { jobId, instrumentId: cal });
      expect(asked.ok && asked.lease.requests.map((u) => u.username)).toEqual(["expert"]);
      await waitFor("the technician sees the request", () => tech.leases.find((l) => l.requests.some((u) => u.username === "expert")));
      // Only the bench (or the lab's admin) hands out control.
      expect(codeOf(await expert.ask("session:lease-grant", { jobId, instrumentId: cal, to: userIds.expert }))).toBe("TC_ERR_JOB_FORBIDDEN");
      expect(codeOf(await tech.ask("session:lease-grant", { jobId, instrumentId: "not-on-bench", to: userIds.expert }))).toBe("TC_ERR_SESSION_UNKNOWN_INSTRUMENT");
      expect(codeOf(await tech.ask("session:lease-grant", { jobId, instrumentId: cal, to: userIds.trainee }))).toBe("TC_ERR_AUTH_FORBIDDEN");

      const granted = await tech.ask<{ lease: Lease }>("session:lease-grant", { jobId, instrumentId: cal, to: userIds.expert });
      if (!granted.ok) throw new Error(granted.error.message);
      const epoch = granted.lease.epoch;
      expect(epoch).toBeGreaterThan(0);
      expect(granted.lease.holder?.username).toBe("expert");
      expect(granted.lease.requests).toEqual([]);
      await waitFor("the expert sees the grant", () => expert.leases.find((l) => l.holder?.username === "expert" && l.epoch === epoch));

      const done = await expert.ask<{ commandId: string; epoch: number }>("session:command", { jobId, instrumentId: cal, epoch, command: { kind: "set", value: 1.5, unit: "V" } });
      expect(done, JSON.stringify(done)).toMatchObject({ ok: true, epoch });
      expect(applied.at(-1)).toMatchObject({ command: { instrument: "cal1", epoch, command: { kind: "set", value: 1.5, unit: "V" } }, property: "output", value: 1.5 });
      expect(calSim.property("output")).toBe(1.5);
      expect(await expert.ask("session:command", { jobId, instrumentId: cal, epoch, command: { kind: "output", on: true } })).toMatchObject({ ok: true });
      expect(calSim.property("operate")).toBe("OPER");
      // The job's output envelope (its points, -10 V to 1000 V) is checked by the server before the
      // agent hears of a set point; a unit the job never sources is outside it too.
      const appliedBefore = applied.length;
      for (const command of [{ kind: "set", value: 1001, unit: "V" }, { kind: "set", value: 5000, unit: "V" }, { kind: "set", value: 1, unit: "A" }]) {
        expect([command, codeOf(await expert.ask("session:command", { jobId, instrumentId: cal, epoch, command }))]).toEqual([command, "TC_ERR_COMMAND_OUT_OF_ENVELOPE"]);
      }
      expect(applied.length).toBe(appliedBefore);
      expect(calSim.property("output")).toBe(1.5);
      const outside = (await replay("expert")).filter((r) => r.payload.event === "refused" && r.payload.error.code === "TC_ERR_COMMAND_OUT_OF_ENVELOPE");
      expect(outside.map((r) => [r.kind, (r.payload as unknown as { request: { command: object } }).request.command])).toEqual([
        ["command", { kind: "set", value: 1001, unit: "V" }],
        ["command", { kind: "set", value: 5000, unit: "V" }],
        ["command", { kind: "set", value: 1, unit: "A" }],
      ]);
      expect(outside[0]!.payload).toMatchObject({ user: { username: "expert" }, error: { message: expect.stringContaining("-10 to 1000 V") } });
      expect(await expert.ask("session:command", { jobId, instrumentId: cal, epoch, command: { kind: "set", value: 10, unit: "V" } })).toMatchObject({ ok: true, epoch });
      expect(calSim.property("output")).toBe(10);
      expect(await expert.ask("session:command", { jobId, instrumentId: cal, epoch, command: { kind: "set", value: 1.5, unit: "V" } })).toMatchObject({ ok: true, epoch });
      // The agent holds the job's envelope on its own too (the second gate), from the job the server
      // gave it: a command that got past the server's checks is refused there as well. (The driver's
      // ±1020 V, the third gate, is tested on the agent alone: test/agent/control.)
      const direct1001 = await agent.commands.execute({ commandId: "d1", jobId, instrument: "cal1", epoch, command: { kind: "set", value: 1001, unit: "V" }, by: "test" });
      expect(codeOf(direct1001)).toBe("TC_ERR_COMMAND_OUT_OF_ENVELOPE");
      const directAmps = await agent.commands.execute({ commandId: "d2", jobId, instrument: "cal1", epoch, command: { kind: "set", value: 1, unit: "A" }, by: "test" });
      expect(codeOf(directAmps)).toBe("TC_ERR_COMMAND_UNSUPPORTED");
      const otherJob = await agent.commands.execute({ commandId: "d3", jobId: "not-a-job-of-this-agent", instrument: "cal1", epoch, command: { kind: "output", on: false }, by: "test" });
      expect(codeOf(otherJob)).toBe("TC_ERR_COMMAND_UNSUPPORTED");
      expect(calSim.property("output")).toBe(1.5);
      // Someone else, even with the current epoch, holds no lease.
      expect(codeOf(await tech.ask("session:command", { jobId, instrumentId: cal, epoch, command: { kind: "output", on: false } }))).toBe("TC_ERR_LEASE_REQUIRED");

      const revoked = await tech.ask<{ lease: Lease }>("session:lease-revoke", { jobId, instrumentId: cal });
      expect(revoked.ok && [revoked.lease.holder, revoked.lease.epoch]).toEqual([null, epoch + 1]);
      await waitFor("the agent learns the new epoch", () => (agent.commands.epoch("cal1") === epoch + 1 ? true : undefined));
      const before = applied.length;
      const stale = await expert.ask("session:command", { jobId, instrumentId: cal, epoch, command: { kind: "set", value: 2, unit: "V" } });
      expect(codeOf(stale)).toBe("TC_ERR_LEASE_STALE_EPOCH");
      expect(applied.length).toBe(before);
      expect(calSim.property("output")).toBe(1.5);

      const events = await replay("expert");
      const refusal = events.findLast((r) => r.payload.event === "refused");
      expect(refusal).toMatchObject({ kind: "command", payload: { what: "command", user: { username: "expert" }, error: { code: "TC_ERR_LEASE_STALE_EPOCH" }, request: { epoch } } });
      const kinds = events.map((r) => r.payload.event);
      expect(kinds).toEqual(expect.arrayContaining(["lease-requested", "lease-granted", "command", "command-result", "lease-revoked"]));
      const command = events.find((r) => r.payload.event === "command");
      expect(command).toMatchObject({ kind: "command", actor: `user:${userIds.expert}`, payload: { epoch, command: { kind: "set", value: 1.5, unit: "V" } } });
      // The agent's own fence: a command with an epoch below the one it has seen is never applied.
      const direct = await agent.commands.execute({ commandId: "x", jobId, instrument: "cal1", epoch, command: { kind: "set", value: 3, unit: "V" }, by: "test" });
      expect(codeOf(direct)).toBe("TC_ERR_LEASE_STALE_EPOCH");
    });

    it("a trainee's command and a command without a lease are refused with their codes and recorded", async () => {
      const trainee = (await joined("trainee")).client;
      const trainer = (await joined("trainer")).client;
      const cal = ids["cal"]!;
      const { epoch } = (await trainee.ask<{ state: SessionState }>("session:join", { jobId }) as { state: SessionState }).state.leases.find((l) => l.instrumentId === cal)!;
      expect(codeOf(await trainee.ask("session:command", { jobId, instrumentId: cal, epoch, command: { kind: "output", on: true } }))).toBe("TC_ERR_AUTH_FORBIDDEN");
      expect(codeOf(await trainee.ask("session:lease-request", { jobId, instrumentId: cal }))).toBe("TC_ERR_AUTH_FORBIDDEN");
      expect(codeOf(await trainer.ask("session:command", { jobId, instrumentId: cal, epoch, command: { kind: "output", on: true } }))).toBe("TC_ERR_LEASE_REQUIRED");
      const outsider = await connect("admin");
      expect(codeOf(await outsider.ask("session:command", { jobId, instrumentId: cal, epoch, command: { kind: "output", on: true } }))).toBe("TC_ERR_SESSION_NOT_JOINED");

      const refusals = (await replay()).filter((r) => r.payload.event === "refused").map((r) => r.payload as { user: { username: string }; what: string; error: { code: string } });
      expect(refusals.map((r) => [r.user.username, r.what, r.error.code])).toEqual(
        expect.arrayContaining([
          ["trainee", "command", "TC_ERR_AUTH_FORBIDDEN"],
          ["trainee", "lease-request", "TC_ERR_AUTH_FORBIDDEN"],
          ["trainer", "command", "TC_ERR_LEASE_REQUIRED"],
          ["admin", "command", "TC_ERR_SESSION_NOT_JOINED"],
        ]),
      );
    });

    it("annotations reach everyone, a late joiner gets those on show, a clear removes them; a trainee may not draw; a bad shape leaves no record", async () => {
      const trainer = (await joined("trainer")).client;
      const tech = (await joined("technician")).client;
      const video = `video:${userIds.technician}`;
      const chart = "chart:bench-a/dmm1/dcv";

      const ring = await trainer.ask<{ annotation: Annotation }>("session:annotate", { jobId, target: video, shape: { kind: "ring", x: 0.4, y: 0.6, r: 0.05 }, note: "  看这个接线端子  " });
      if (!ring.ok) throw new Error(ring.error.message);
      expect(ring.annotation).toMatchObject({ jobId, target: video, from: { username: "trainer", role: "trainer" }, shape: { kind: "ring", x: 0.4, y: 0.6, r: 0.05 }, note: "看这个接线端子" });
      const line = await trainer.ask<{ annotation: Annotation }>("session:annotate", { jobId, target: chart, shape: { kind: "path", points: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.3]] } });
      if (!line.ok) throw new Error(line.error.message);
      expect(line.annotation.note).toBeNull();
      await waitFor("both marks reach the technician", () => (tech.annotations.length === 2 ? true : undefined));
      expect(tech.annotations).toEqual([ring.annotation, line.annotation]);

      // A late joiner (who may only watch) gets the marks on show, oldest first.
      const trainee = await joined("trainee");
      expect(trainee.state.annotations).toEqual([ring.annotation, line.annotation]);
      expect(codeOf(await trainee.client.ask("session:annotate", { jobId, target: video, shape: { kind: "ring", x: 0.5, y: 0.5, r: 0.1 } }))).toBe("TC_ERR_AUTH_FORBIDDEN");
      expect(codeOf(await trainee.client.ask("session:annotations-clear", { jobId, target: video }))).toBe("TC_ERR_AUTH_FORBIDDEN");

      const recorded = (await replay()).length;
      expect(codeOf(await trainer.ask("session:annotate", { jobId, target: video, shape: { kind: "ring", x: 1.5, y: 0.5, r: 0.1 } }))).toBe("TC_ERR_VALIDATION");
      expect(codeOf(await trainer.ask("session:annotate", { jobId, target: "video:a b", shape: { kind: "ring", x: 0.5, y: 0.5, r: 0.1 } }))).toBe("TC_ERR_VALIDATION");
      expect((await replay()).length).toBe(recorded);

      const events = await replay();
      const marks = events.filter((r) => r.payload.event === "annotated");
      expect(marks.map((r) => [r.id, r.kind, r.actor])).toEqual([
        [ring.annotation.id, "session-event", `user:${userIds.trainer}`],
        [line.annotation.id, "session-event", `user:${userIds.trainer}`],
      ]);
      const refusals = events.filter((r) => r.payload.event === "refused" && r.payload.what.startsWith("annotat"));
      expect(refusals.map((r) => [r.kind, r.payload.event === "refused" && [r.payload.user.username, r.payload.what, r.payload.error.code]])).toEqual([
        ["session-event", ["trainee", "annotate", "TC_ERR_AUTH_FORBIDDEN"]],
        ["session-event", ["trainee", "annotations-clear", "TC_ERR_AUTH_FORBIDDEN"]],
      ]);

      // A clear takes a target's marks away for everyone, late joiners included; the other target keeps its own.
      expect(await tech.ask("session:annotations-clear", { jobId, target: video })).toEqual({ ok: true, cleared: 1 });
      await waitFor("the clear reaches the trainer", () => trainer.cleared.find((c) => c.target === video));
      expect(trainer.cleared).toEqual([{ jobId, target: video, by: expect.objectContaining({ username: "technician" }) }]);
      expect((await joined("expert")).state.annotations).toEqual([line.annotation]);
      expect(await trainer.ask("session:annotations-clear", { jobId, target: chart })).toEqual({ ok: true, cleared: 1 });
      expect(await trainer.ask("session:annotations-clear", { jobId, target: chart })).toEqual({ ok: true, cleared: 0 });
      expect((await joined("admin")).state.annotations).toEqual([]);
      expect((await replay()).filter((r) => r.payload.event === "annotations-cleared").map((r) => [r.kind, r.payload.event === "annotations-cleared" && r.payload.target])).toEqual([
        ["session-event", video],
        ["session-event", chart],
        ["session-event", chart],
      ]);
    });

    it("connection quality: a participant's reports set their quality for the others, told only when the class changes, never recorded", async () => {
      const tech = (await joined("technician")).client;
      const expert = (await joined("expert")).client;
      const expertSeen = () => tech.presence.at(-1)?.find((p) => p.username === "expert")?.quality;
      const recorded = (await replay()).length;

      expect(await expert.ask("session:quality", { jobId, rttMs: 40 })).toEqual({ ok: true, quality: "good" });
      await waitFor("the technician sees the expert's link as good", () => (expertSeen() === "good" ? true : undefined));
      // Within a second of the last report of this socket: ignored, answered with what the others see.
      expect(await expert.ask("session:quality", { jobId, rttMs: 900 })).toEqual({ ok: true, quality: "good" });
      await new Promise((r) => setTimeout(r, 1100));
      expect(await expert.ask("session:quality", { jobId, rttMs: 900 })).toEqual({ ok: true, quality: "poor" });
      await waitFor("the technician sees the expert's link as poor", () => (expertSeen() === "poor" ? true : undefined));
      expect(tech.presence.at(-1)?.find((p) => p.username === "technician")?.quality).toBeNull();

      // Per person: the latest report of any of their sockets; the same class again tells nobody.
      const presences = tech.presence.length;
      const secondTab = (await joined("expert")).client;
      expect(await secondTab.ask("session:quality", { jobId, rttMs: 700 })).toEqual({ ok: true, quality: "poor" });
      const thirdTab = (await joined("expert")).client;
      expect(await thirdTab.ask("session:quality", { jobId, rttMs: 300 })).toEqual({ ok: true, quality: "fair" });
      await waitFor("the technician sees the expert's link as fair", () => (expertSeen() === "fair" ? true : undefined));
      expect(tech.presence.length).toBe(presences + 1);

      const outsider = await connect("admin");
      expect(codeOf(await outsider.ask("session:quality", { jobId, rttMs: 10 }))).toBe("TC_ERR_SESSION_NOT_JOINED");
      expect(codeOf(await expert.ask("session:quality", { jobId, rttMs: -1 }))).toBe("TC_ERR_VALIDATION");
      outsider.socket.close();
      expect((await replay()).length).toBe(recorded);
    });

    it("tells the session that the job's run moved on (session:run) at each change of the job", async () => {
      const trainer = (await joined("trainer")).client;
      const res = await call("technician", "POST", `/api/jobs/${jobId}/events`, { kind: "completed", step: "before/connect" });
      expect(res.statusCode, res.body).toBe(200);
      await waitFor("session:run reaches the trainer", () => (trainer.runs.length === 1 ? true : undefined));
      expect(trainer.runs).toEqual([jobId]);
      expect((await call("expert", "POST", `/api/jobs/${jobId}/events`, { kind: "held", comment: "请先检查接线" })).statusCode).toBe(200);
      expect((await call("expert", "POST", `/api/jobs/${jobId}/events`, { kind: "resumed" })).statusCode).toBe(200);
      await waitFor("a push for the hold and one for the resume", () => (trainer.runs.length === 3 ? true : undefined));
      expect(trainer.runs).toEqual([jobId, jobId, jobId]);
    });

    it("the lab's admin may grant and revoke; a holder may release; the epoch only rises", async () => {
      const admin = (await joined("admin")).client;
      const trainer = (await joined("trainer")).client;
      const cal = ids["cal"]!;
      const granted = await admin.ask<{ lease: Lease }>("session:lease-grant", { jobId, instrumentId: cal, to: userIds.trainer });
      if (!granted.ok) throw new Error(granted.error.message);
      expect(codeOf(await admin.ask("session:lease-release", { jobId, instrumentId: cal }))).toBe("TC_ERR_LEASE_REQUIRED");
      const released = await trainer.ask<{ lease: Lease }>("session:lease-release", { jobId, instrumentId: cal });
      expect(released.ok && [released.lease.holder, released.lease.epoch]).toEqual([null, granted.lease.epoch + 1]);
      // Leaving gives back what one holds; dropping (a link down) does not.
      const again = await admin.ask<{ lease: Lease }>("session:lease-grant", { jobId, instrumentId: cal, to: userIds.trainer });
      if (!again.ok) throw new Error(again.error.message);
      for (const c of clients) if (c.who === "trainer" && c !== trainer) c.socket.close();
      expect(await trainer.ask("session:leave", { jobId })).toMatchObject({ ok: true });
      await waitFor("the lease given back on leave", () => admin.leases.find((l) => l.instrumentId === cal && l.holder === null && l.epoch === again.lease.epoch + 1));
      const epochs = (await replay()).flatMap((r) => ("epoch" in r.payload && r.payload.event.startsWith("lease-") ? [r.payload.epoch] : []));
      expect(epochs).toEqual([...epochs].sort((a, b) => a - b));
      expect(new Set(epochs).size).toBe(epochs.length);
    });

    it("authorisation matrix: every session event against every role and another organisation", async () => {
      const cal = ids["cal"]!;
      type Row = { join: string; chat: string; annotate: string; quality: string; request: string; grant: string; revoke: string; command: string };
      const FORBIDDEN_GRANT = "TC_ERR_JOB_FORBIDDEN";
      const expected: Record<Who, Row> = {
        admin: { join: "ok", chat: "ok", annotate: "ok", quality: "ok", request: "ok", grant: "ok", revoke: "ok", command: "TC_ERR_LEASE_REQUIRED" },
        technician: { join: "ok", chat: "ok", annotate: "ok", quality: "ok", request: "ok", grant: "ok", revoke: "ok", command: "TC_ERR_LEASE_REQUIRED" },
        expert: { join: "ok", chat: "ok", annotate: "ok", quality: "ok", request: "ok", grant: FORBIDDEN_GRANT, revoke: FORBIDDEN_GRANT, command: "TC_ERR_LEASE_REQUIRED" },
        trainer: { join: "ok", chat: "ok", annotate: "ok", quality: "ok", request: "ok", grant: FORBIDDEN_GRANT, revoke: FORBIDDEN_GRANT, command: "TC_ERR_LEASE_REQUIRED" },
        trainee: { join: "ok", chat: "ok", annotate: "TC_ERR_AUTH_FORBIDDEN", quality: "ok", request: "TC_ERR_AUTH_FORBIDDEN", grant: FORBIDDEN_GRANT, revoke: FORBIDDEN_GRANT, command: "TC_ERR_AUTH_FORBIDDEN" },
        "admin-b": {
          join: "TC_ERR_JOB_NOT_FOUND",
          chat: "TC_ERR_JOB_NOT_FOUND",
          annotate: "TC_ERR_JOB_NOT_FOUND",
          quality: "TC_ERR_JOB_NOT_FOUND",
          request: "TC_ERR_JOB_NOT_FOUND",
          grant: "TC_ERR_JOB_NOT_FOUND",
          revoke: "TC_ERR_JOB_NOT_FOUND",
          command: "TC_ERR_JOB_NOT_FOUND",
        },
      };
      for (const who of Object.keys(expected) as Who[]) {
        const c = await connect(who);
        const row: Row = {
          join: codeOf(await c.ask("session:join", { jobId })),
          chat: codeOf(await c.ask("session:chat", { jobId, text: `matrix ${who}` })),
          annotate: codeOf(await c.ask("session:annotate", { jobId, target: "chart:matrix", shape: { kind: "ring", x: 0.5, y: 0.5, r: 0.1 } })),
          quality: codeOf(await c.ask("session:quality", { jobId, rttMs: 20 })),
          request: codeOf(await c.ask("session:lease-request", { jobId, instrumentId: cal })),
          grant: codeOf(await c.ask("session:lease-grant", { jobId, instrumentId: cal, to: userIds[who] })),
          revoke: codeOf(await c.ask("session:lease-revoke", { jobId, instrumentId: cal })),
          command: "",
        };
        const state = await c.ask<{ state: SessionState }>("session:join", { jobId });
        const epoch = state.ok ? state.state.leases.find((l) => l.instrumentId === cal)!.epoch : 0;
        row.command = codeOf(await c.ask("session:command", { jobId, instrumentId: cal, epoch, command: { kind: "output", on: false } }));
        expect([who, row]).toEqual([who, expected[who]]);
      }
      // The session is checked at every event: after logout, the next event is refused (and the socket ends).
      const token = await login(server, "expert");
      const socket = io(`${server.url}${NAMESPACE.ui}`, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { token } });
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      expect(codeOf(await emitAck<Reply<object>>(socket, 5000, "session:join", { jobId }))).toBe("ok");
      await server.app.inject({ method: "POST", url: "/api/auth/logout", headers: { authorization: `Bearer ${token}` } });
      await waitFor("the logged-out socket closed", () => (socket.connected ? undefined : true));
      socket.close();
    });

    it("keeps each job's session to its own room: nothing of one reaches a participant of another", async () => {
      const otherJob = (await created("technician", "/api/jobs", { procedureId: "dmm-dcv-jjf1587", agentId: "bench-a", binding: { calibrator: ids["cal"], dmm: ids["dmm"] }, technician: "technician", expert: "expert" })).id;
      const other = await connect("trainer");
      const joinedOther = await other.ask<{ state: SessionState }>("session:join", { jobId: otherJob });
      expect(joinedOther.ok && joinedOther.state.events.map((r) => r.payload.event)).toEqual(["joined"]);
      const tech = (await joined("technician")).client;
      expect(await tech.ask("session:chat", { jobId, text: "only for this job" })).toMatchObject({ ok: true });
      await waitFor("the chat in its own room", () => tech.chat.find((m) => m.text === "only for this job"));
      await new Promise((r) => setTimeout(r, 200));
      expect(other.chat).toEqual([]);
      expect(other.events.every((r) => r.payload.event === "joined" || r.payload.event === "left")).toBe(true);
      expect(other.events.map((r) => r.payload.event)).not.toContain("chat");
      expect(codeOf(await other.ask("session:chat", { jobId, text: "wrong room" }))).toBe("TC_ERR_SESSION_NOT_JOINED");
      other.socket.close();
    });

    it("rate-limits chat per user; someone who left is gone from presence and may not chat", async () => {
      const tech = (await joined("technician")).client;
      const codes: string[] = [];
      for (let i = 0; i < CHAT_MAX + 2; i++) codes.push(codeOf(await tech.ask("session:chat", { jobId, text: `m${i}` })));
      expect(codes).toContain("TC_ERR_RATE_LIMITED");
      // Presence is per person: they are there while any of their sockets (tabs) is.
      for (const c of clients) if (c.who === "trainee") c.socket.close();
      const trainee = (await joined("trainee")).client;
      expect(await trainee.ask("session:leave", { jobId })).toMatchObject({ ok: true });
      await waitFor("the trainee gone from presence", () => (tech.presence.at(-1)?.some((p) => p.username === "trainee") === false ? true : undefined));
      expect(codeOf(await trainee.ask("session:chat", { jobId, text: "still here?" }))).toBe("TC_ERR_SESSION_NOT_JOINED");
    });

    it("replays the session in pages, and telecal verify passes over the log with the session's records", async () => {
      const all = await replay();
      const first = await call("technician", "GET", `/api/sessions/${jobId}/events?limit=3`);
      const page = first.json<SessionEventsResponse>();
      expect(page.events.map((r) => r.seq)).toEqual([0, 1, 2]);
      expect(page.next).toBe(2);
      const rest = (await call("technician", "GET", `/api/sessions/${jobId}/events?after=2&limit=10000`)).json<SessionEventsResponse>();
      expect([...page.events, ...rest.events].map((r) => r.id)).toEqual(all.map((r) => r.id));
      expect(rest.next).toBeNull();
      const anonymous = await server.app.inject({ method: "GET", url: `/api/sessions/${jobId}/events` });
      expect([anonymous.statusCode, anonymous.json<{ code: string }>().code]).toEqual([401, "TC_ERR_AUTH_REQUIRED"]);
      expect((await call("trainee", "GET", "/api/openapi.json")).json<{ paths: object }>().paths).toHaveProperty(["/api/sessions/{jobId}/events"]);
      expect((await call("technician", "GET", `/api/sessions/${jobId}/events?limit=0`)).statusCode).toBe(400);
      await server.checkpoints.checkpoint();
      const verify = spawnSync(process.execPath, [BIN, "verify", ...verifyArgs], { encoding: "utf8", timeout: 60_000 });
      expect(verify.status, `${verify.stdout}${verify.stderr}`).toBe(0);
    });

    it("hands out each epoch once when two servers change one lease at the same time (one statement per change)", async () => {
      // Two lease books on one database stand for two server processes; no queue orders them.
      const books = [new LeaseBook(server.store.db), new LeaseBook(server.store.db)];
      const instrument = ids["dmm"]!;
      const start = (await books[0]!.row(instrument)).epoch;
      const rows = await Promise.all(Array.from({ length: 20 }, (_, i) => books[i % 2]!.change(instrument, jobId, null, null)));
      expect(rows.map((r) => r.epoch).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => start + i + 1));
      expect((await books[1]!.row(instrument)).epoch).toBe(start + 20);
    });

    it("a command for an agent that is offline is refused with TC_ERR_AGENT_OFFLINE, and its result recorded", async () => {
      await agent.stop();
      agentStopped = true;
      await waitFor("agent bench-a offline", () => (server.hub.summaries().some((a) => a.agentId === "bench-a" && !a.online) ? true : undefined));
      const tech = (await joined("technician")).client;
      const expert = (await joined("expert")).client;
      const granted = await tech.ask<{ lease: Lease }>("session:lease-grant", { jobId, instrumentId: ids["cal"], to: userIds.expert });
      if (!granted.ok) throw new Error(granted.error.message);
      const reply = await expert.ask("session:command", { jobId, instrumentId: ids["cal"], epoch: granted.lease.epoch, command: { kind: "output", on: false } });
      expect(codeOf(reply)).toBe("TC_ERR_AGENT_OFFLINE");
      const result = (await replay()).findLast((r) => r.payload.event === "command-result");
      expect(result?.payload).toMatchObject({ outcome: { ok: false, error: { code: "TC_ERR_AGENT_OFFLINE" } } });
    });

    it("limits session events of every kind per user, so that recorded refusals cannot flood the log", async () => {
      const trainee = (await joined("trainee")).client;
      const before = (await replay()).length;
      const codes: string[] = [];
      for (let i = 0; i < EVENT_MAX + 5; i++) codes.push(codeOf(await trainee.ask("session:lease-request", { jobId, instrumentId: ids["cal"] })));
      expect(codes.at(-1)).toBe("TC_ERR_RATE_LIMITED");
      expect(new Set(codes)).toEqual(new Set(["TC_ERR_AUTH_FORBIDDEN", "TC_ERR_RATE_LIMITED"]));
      expect((await replay()).length - before).toBeLessThanOrEqual(EVENT_MAX);
    });
  });
}
