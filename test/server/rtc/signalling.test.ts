import { NAMESPACE, type Reply, RTC_MAX_PEERS, type RtcJoined, type RtcSignalFrom } from "@telecal/protocols";
import { io, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { login, TEST_PASSWORD } from "../../fakes/auth";
import { createDemoJob } from "../../fakes/demo-job";
import { type DemoStack, startDemoStack } from "../../fakes/demo-stack";

const OFFER = { type: "offer", sdp: "v=0\r\n" } as const;

/** rtc-* signalling on /ui: who may join a job's video, and whom a signal may reach. */
describe("WebRTC signalling on /ui", () => {
  let stack: DemoStack;
  let jobId: string;
  let outsiderToken: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await startDemoStack();
    jobId = (await createDemoJob(stack)).id;
    // A technician of an organisation that neither runs nor supervises the demo station.
    await stack.server.store.auth.createOrganisation("org-other", "丙县计量站 County C", "county-station");
    await stack.server.store.auth.createUser({ organisationId: "org-other", username: "outsider", displayName: "outsider", role: "technician", password: TEST_PASSWORD });
    outsiderToken = await login(stack.server, "outsider");
  }, 60_000);
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function connect(token: string): Promise<Socket> {
    const socket = io(`${stack.server.url}${NAMESPACE.ui}`, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { token } });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
    return socket;
  }

  const join = (s: Socket, msg: unknown) => s.timeout(5_000).emitWithAck("rtc-join", msg) as Promise<Reply<RtcJoined>>;
  const signal = (s: Socket, msg: unknown) => s.timeout(5_000).emitWithAck("rtc-signal", msg) as Promise<Reply<object>>;
  const codeOf = (r: Reply<unknown>) => (r.ok ? "ok" : r.error.code);
  const next = <T>(s: Socket, event: string) => new Promise<T>((resolve) => s.once(event, resolve));

  it("tabs that join at the same moment each learn of every other: in the join's answer, or by rtc-peer-joined", async () => {
    const people = [stack.tokens.technician, stack.tokens.expert, stack.tokens.trainee, stack.tokens.admin];
    const tabs = await Promise.all(people.map((token) => connect(token)));
    const heard = new Map(tabs.map((t) => [t.id!, new Set<string>()]));
    for (const t of tabs) t.on("rtc-peer-joined", (msg: { peer: { peerId: string } }) => heard.get(t.id!)!.add(msg.peer.peerId));
    const replies = await Promise.all(tabs.map((t) => join(t, { jobId })));
    for (const [i, reply] of replies.entries()) {
      if (!reply.ok) throw new Error(`join refused: ${reply.error.code}`);
      for (const peer of reply.peers) heard.get(tabs[i]!.id!)!.add(peer.peerId);
    }
    await new Promise((r) => setTimeout(r, 300));
    for (const t of tabs) {
      expect([...heard.get(t.id!)!].sort()).toEqual(tabs.filter((o) => o !== t).map((o) => o.id!).sort());
    }
  });

  it("lists the peers already there, tells them of the newcomer, relays to one peer, and tells of a leave", async () => {
    const technician = await connect(stack.tokens.technician);
    const expert = await connect(stack.tokens.expert);
    const first = await join(technician, { jobId });
    expect(first).toEqual({ ok: true, peerId: technician.id, peers: [] });

    const joined = next<{ jobId: string; peer: { peerId: string } }>(technician, "rtc-peer-joined");
    const second = await join(expert, { jobId });
    expect(second).toMatchObject({ ok: true, peerId: expert.id, peers: [{ peerId: technician.id, user: { username: "technician", role: "technician" } }] });
    expect(await joined).toMatchObject({ jobId, peer: { peerId: expert.id, user: { username: "expert", displayName: "expert", role: "expert" } } });

    const relayed = next<RtcSignalFrom>(technician, "rtc-signal");
    expect(codeOf(await signal(expert, { jobId, to: technician.id, description: OFFER }))).toBe("ok");
    expect(await relayed).toEqual({ jobId, from: expert.id, description: OFFER });

    const candidate = { candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 };
    const relayedCandidate = next<RtcSignalFrom>(expert, "rtc-signal");
    expect(codeOf(await signal(technician, { jobId, to: expert.id, candidate }))).toBe("ok");
    expect(await relayedCandidate).toEqual({ jobId, from: technician.id, candidate });

    const left = next<{ jobId: string; peerId: string }>(technician, "rtc-peer-left");
    expect(codeOf((await expert.timeout(5_000).emitWithAck("rtc-leave")) as Reply<object>)).toBe("ok");
    expect(await left).toEqual({ jobId, peerId: expert.id });
    expect(codeOf(await signal(expert, { jobId, to: technician.id, description: OFFER }))).toBe("TC_ERR_RTC_NOT_JOINED");

    // A closed tab leaves too.
    await join(expert, { jobId });
    const gone = next<{ peerId: string }>(expert, "rtc-peer-left");
    const technicianId = technician.id;
    technician.close();
    expect(await gone).toMatchObject({ peerId: technicianId });
    expect(codeOf(await signal(expert, { jobId, to: technicianId, description: OFFER }))).toBe("TC_ERR_RTC_PEER_GONE");
  });

  it("refuses another organisation's user: no join, no signal, and the peers hear nothing", async () => {
    const technician = await connect(stack.tokens.technician);
    const outsider = await connect(outsiderToken);
    expect(codeOf(await join(technician, { jobId }))).toBe("ok");
    let heard = 0;
    technician.on("rtc-peer-joined", () => heard++);
    technician.on("rtc-signal", () => heard++);

    expect(codeOf(await join(outsider, { jobId }))).toBe("TC_ERR_JOB_NOT_FOUND");
    expect(codeOf(await signal(outsider, { jobId, to: technician.id, description: OFFER }))).toBe("TC_ERR_JOB_NOT_FOUND");
    // Nor through a job id it made up, nor without an ack (the refusal comes as a problem event).
    expect(codeOf(await join(outsider, { jobId: "no-such-job" }))).toBe("TC_ERR_JOB_NOT_FOUND");
    const problem = next<{ code: string }>(outsider, "problem");
    outsider.emit("rtc-signal", { jobId, to: technician.id, description: OFFER });
    expect((await problem).code).toBe("TC_ERR_JOB_NOT_FOUND");
    // A round trip on the technician's socket: anything relayed would have arrived before it.
    await technician.timeout(5_000).emitWithAck("snapshot");
    expect(heard).toBe(0);
  });

  it("validates strictly: unknown keys, both description and candidate, a bad description type", async () => {
    const technician = await connect(stack.tokens.technician);
    const expert = await connect(stack.tokens.expert);
    expect(codeOf(await join(technician, { jobId, extra: 1 }))).toBe("TC_ERR_VALIDATION");
    expect(codeOf(await join(technician, {}))).toBe("TC_ERR_VALIDATION");
    await join(technician, { jobId });
    await join(expert, { jobId });
    const candidate = { candidate: "", sdpMid: "0", sdpMLineIndex: 0 };
    expect(codeOf(await signal(expert, { jobId, to: technician.id }))).toBe("TC_ERR_VALIDATION");
    expect(codeOf(await signal(expert, { jobId, to: technician.id, description: OFFER, candidate }))).toBe("TC_ERR_VALIDATION");
    expect(codeOf(await signal(expert, { jobId, to: technician.id, description: { type: "bogus", sdp: "" } }))).toBe("TC_ERR_VALIDATION");
    expect(codeOf(await signal(expert, { jobId, to: technician.id, description: OFFER, from: technician.id }))).toBe("TC_ERR_VALIDATION");
    expect(codeOf(await signal(expert, { jobId, to: expert.id, description: OFFER }))).toBe("TC_ERR_RTC_PEER_GONE");
  });

  it("signals only within the job joined: a peer of another job is out of reach", async () => {
    const other = (await createDemoJob(stack)).id;
    const technician = await connect(stack.tokens.technician);
    const expert = await connect(stack.tokens.expert);
    await join(technician, { jobId: other });
    await join(expert, { jobId });
    expect(codeOf(await signal(expert, { jobId, to: technician.id, description: OFFER }))).toBe("TC_ERR_RTC_PEER_GONE");
    expect(codeOf(await signal(expert, { jobId: other, to: technician.id, description: OFFER }))).toBe("TC_ERR_RTC_NOT_JOINED");
  });

  it("takes at most RTC_MAX_PEERS tabs in one job's mesh", async () => {
    const tabs = await Promise.all(Array.from({ length: RTC_MAX_PEERS + 1 }, (_, i) => connect(i % 2 === 0 ? stack.tokens.technician : stack.tokens.expert)));
    for (const tab of tabs.slice(0, RTC_MAX_PEERS)) expect(codeOf(await join(tab, { jobId }))).toBe("ok");
    expect(codeOf(await join(tabs[RTC_MAX_PEERS]!, { jobId }))).toBe("TC_ERR_RTC_FULL");
    // One leaves: there is room again.
    await tabs[0]!.timeout(5_000).emitWithAck("rtc-leave");
    expect(codeOf(await join(tabs[RTC_MAX_PEERS]!, { jobId }))).toBe("ok");
  });
});
