import { type AgentHello, type LiveValue, NAMESPACE, PROTOCOL_VERSION, type Reply, streamRef, type UiSnapshot } from "@telecal/protocols";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_AGENT, DEMO_ORGANISATION } from "../../../cli/demo-lab";
import { enrolAgent, login, TEST_PASSWORD } from "../../fakes/auth";
import { waitFor } from "../../fakes/bench";
import { createDemoJob } from "../../fakes/demo-job";
import { type DemoStack, startDemoStack } from "../../fakes/demo-stack";
import { uiClient } from "../../fakes/stack";

const PROVINCE = "zj-institute";
const CITY = "other-city";

/** A signed-in /ui client that keeps every event the server sends it. */
interface Viewer {
  socket: Socket;
  snapshot: UiSnapshot;
  events: { event: string; args: unknown[] }[];
  /** Live values of the demo lab's agent it received. */
  lives(): number;
  ask<T extends object>(event: string, body?: object): Promise<Reply<T>>;
}

/**
 * Organisation isolation over real sockets, beside the REST answers of the same questions: a user of
 * another organisation receives no live value, snapshot entry, agent presence or session event of the
 * demo lab; a supervising institute does, from the moment the supervision is in the registry and no
 * longer once it is removed, without reconnecting.
 */
export function isolationSuite(name: string, database: () => Promise<string | undefined>, done: () => Promise<void>): void {
  describe(`organisation isolation on sockets, ${name}`, () => {
    let stack: DemoStack;
    const tokens: Record<string, string> = {};
    const viewers: Viewer[] = [];
    const others: Socket[] = [];

    beforeAll(async () => {
      const databaseUrl = await database();
      stack = await startDemoStack({ ...(databaseUrl ? { databaseUrl } : {}), roomRefreshMs: 300 });
      const { auth } = stack.server.store;
      await auth.createOrganisation(PROVINCE, "浙江省计量院", "provincial-institute");
      await auth.createOrganisation(CITY, "某市计量站", "city-station");
      await auth.createUser({ organisationId: PROVINCE, username: "province-expert", displayName: "省专家", role: "expert", password: TEST_PASSWORD });
      await auth.createUser({ organisationId: CITY, username: "city-admin", displayName: "市管理员", role: "admin", password: TEST_PASSWORD });
      for (const who of ["province-expert", "city-admin"]) tokens[who] = await login(stack.server, who);
      tokens["technician"] = stack.tokens.technician;
    }, 60_000);
    afterAll(async () => {
      for (const v of viewers) v.socket.close();
      for (const s of others) s.close();
      await stack?.close();
      await done();
    });

    async function viewer(who: string): Promise<Viewer> {
      const socket = uiClient(stack.server.url, tokens[who]!) as unknown as Socket;
      const events: Viewer["events"] = [];
      socket.onAny((event: string, ...args: unknown[]) => events.push({ event, args }));
      const snapshot = await new Promise<UiSnapshot>((resolve, reject) => {
        socket.once("snapshot", resolve);
        socket.once("connect_error", reject);
      });
      const v: Viewer = {
        socket,
        snapshot,
        events,
        lives: () =>
          events.filter((e) => e.event === "live").reduce((n, e) => n + (e.args[0] as LiveValue[]).filter((l) => l.agentId === DEMO_AGENT.id).length, 0),
        ask: (event, body) => (body === undefined ? socket.emitWithAck(event) : socket.emitWithAck(event, body)) as never,
      };
      viewers.push(v);
      return v;
    }

    const agentsOverRest = async (who: string) => {
      const res = await stack.server.app.inject({ method: "GET", url: "/api/agents", headers: { authorization: `Bearer ${tokens[who]}` } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ agents: { agentId: string }[] }>().agents.map((a) => a.agentId);
    };
    const rest = (who: string, url: string) => stack.server.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${tokens[who]}` } });
    const streamsOverRest = async (who: string) => (await rest(who, "/api/streams")).json<{ streams: { id: string }[] }>().streams.map((s) => s.id);
    const snapshotAgents = async (v: Viewer) => {
      const reply = await v.ask<{ snapshot: UiSnapshot }>("snapshot");
      if (!reply.ok) throw new Error(reply.error.code);
      return reply.snapshot;
    };
    /** Lets the demo agent send `n` more live values to the technician, who may see them. */
    const moreLive = async (tech: Viewer, n: number) => {
      const target = tech.lives() + n;
      await waitFor(`${n} more live values at the technician`, () => (tech.lives() >= target ? true : undefined), 20_000);
    };
    const setSupervisor = (parent: string | null) =>
      stack.server.store.db.updateTable("organisations").set({ parent_id: parent }).where("id", "=", DEMO_ORGANISATION.id).execute();

    it("another organisation gets no snapshot entry, agent presence or live value of the lab, as over REST", async () => {
      const tech = await viewer("technician");
      const city = await viewer("city-admin");
      expect(tech.snapshot.agents.map((a) => a.agentId)).toContain(DEMO_AGENT.id);
      expect(Object.keys(tech.snapshot.history)).toContain(streamRef(DEMO_AGENT.id, "dmm1.dcv"));
      expect(city.snapshot.agents).toEqual([]);
      expect(city.snapshot.history).toEqual({});
      expect(await agentsOverRest("technician")).toContain(DEMO_AGENT.id);
      expect(await agentsOverRest("city-admin")).not.toContain(DEMO_AGENT.id);
      // Nor its stored readings or gaps: another organisation's stream is not found, as if it did not exist.
      const dcv = streamRef(DEMO_AGENT.id, "dmm1.dcv");
      await waitFor("a stored reading of the lab's DMM", async () => ((await streamsOverRest("technician")).includes(dcv) ? true : undefined), 20_000);
      expect(await streamsOverRest("city-admin")).toEqual([]);
      for (const url of [`/api/streams/${dcv}/readings`, `/api/streams/${dcv}/gaps`]) {
        expect((await rest("technician", url)).statusCode).toBe(200);
        const foreign = await rest("city-admin", url);
        expect([foreign.statusCode, foreign.json<{ code: string }>().code]).toEqual([404, "TC_ERR_UNKNOWN_STREAM"]);
      }

      // Presence: a second agent of the demo station comes online and goes.
      const { auth } = await enrolAgent(stack.server, "demo-lab-2", DEMO_ORGANISATION.id);
      const agent = io(`${stack.server.url}${NAMESPACE.agent}`, { transports: ["websocket"], forceNew: true, auth });
      others.push(agent);
      const hello: AgentHello = { protocol: PROTOCOL_VERSION, agentId: "demo-lab-2", name: "演示 2", software: "test", instruments: [] };
      expect(await agent.emitWithAck("hello", hello)).toMatchObject({ ok: true });
      const agentLists = (v: Viewer) => v.events.filter((e) => e.event === "agents").map((e) => (e.args[0] as { agentId: string; online: boolean }[]));
      await waitFor("the technician to see demo-lab-2 online", () => (agentLists(tech).some((l) => l.some((a) => a.agentId === "demo-lab-2" && a.online)) ? true : undefined));
      agent.close();
      await waitFor("the technician to see demo-lab-2 offline", () => (agentLists(tech).some((l) => l.some((a) => a.agentId === "demo-lab-2" && !a.online)) ? true : undefined));

      await moreLive(tech, 30);
      expect(city.lives()).toBe(0);
      expect(city.events.filter((e) => e.event === "agents" || e.event === "live")).toEqual([]);
      // Its one snapshot (on connect) held nothing either.
      expect(city.events.filter((e) => e.event === "snapshot").map((e) => e.args[0])).toEqual([city.snapshot]);
      expect((await snapshotAgents(city)).agents).toEqual([]);
    }, 60_000);

    it("another organisation cannot join the lab's session and receives none of its events, as over REST", async () => {
      const job = await createDemoJob(stack);
      const tech = await viewer("technician");
      const city = await viewer("city-admin");
      expect(await tech.ask("session:join", { jobId: job.id })).toMatchObject({ ok: true });
      const refused = await city.ask("session:join", { jobId: job.id });
      expect(refused).toMatchObject({ ok: false, error: { code: "TC_ERR_JOB_NOT_FOUND" } });
      expect(await tech.ask("session:chat", { jobId: job.id, text: "开始 start" })).toMatchObject({ ok: true });
      await waitFor("the technician's chat in the room", () => (tech.events.some((e) => e.event === "session:chat") ? true : undefined));
      // The session's room hears the lab's live values too.
      await moreLive(tech, 10);
      expect(city.events.filter((e) => e.event.startsWith("session:"))).toEqual([]);
      expect(city.lives()).toBe(0);
      for (const url of [`/api/jobs/${job.id}`, `/api/sessions/${job.id}/events`]) {
        const res = await stack.server.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${tokens["city-admin"]}` } });
        expect(res.statusCode, url).toBe(404);
        expect(res.json<{ code: string }>().code).toBe("TC_ERR_JOB_NOT_FOUND");
      }
    }, 60_000);

    it("a viewer's rooms follow a supervision added and removed in the registry, without reconnecting", async () => {
      const tech = await viewer("technician");
      const province = await viewer("province-expert");
      expect(province.snapshot.agents).toEqual([]);
      await moreLive(tech, 10);
      expect(province.lives()).toBe(0);

      // Added (as another process, the CLI, would: straight in the registry's table).
      await setSupervisor(PROVINCE);
      await waitFor("live values at the supervising institute", () => (province.lives() > 0 ? true : undefined), 20_000);
      expect((await snapshotAgents(province)).agents.map((a) => a.agentId)).toContain(DEMO_AGENT.id);
      expect(await agentsOverRest("province-expert")).toContain(DEMO_AGENT.id);
      // Unasked, it was sent the snapshot of what it may see now.
      const pushed = () => province.events.filter((e) => e.event === "snapshot").map((e) => (e.args[0] as UiSnapshot).agents.map((a) => a.agentId));
      expect(pushed().at(-1)).toContain(DEMO_AGENT.id);

      await setSupervisor(null);
      const serverSocket = () => stack.server.io.of(NAMESPACE.ui).sockets.get(province.socket.id!);
      await waitFor("the institute's viewer to leave the station's room", () => (serverSocket()?.rooms.has(`org:${DEMO_ORGANISATION.id}`) ? undefined : true), 20_000);
      const before = province.lives();
      await moreLive(tech, 20);
      expect(province.lives()).toBe(before);
      expect((await snapshotAgents(province)).agents).toEqual([]);
      expect(pushed().at(-1)).toEqual([]);
      expect(await agentsOverRest("province-expert")).not.toContain(DEMO_AGENT.id);
      expect(province.socket.connected).toBe(true);
    }, 60_000);
  });
}
