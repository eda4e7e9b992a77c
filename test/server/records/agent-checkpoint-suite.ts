import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointKeeper, type CheckpointKeeperOptions, silentLogger } from "@telecal/agent";
import { type AgentCheckpointAnswer, type AgentHello, CheckpointResponse, CLOCK_INSTRUMENT, PROTOCOL_VERSION, type Reply, WellKnownKeys } from "@telecal/protocols";
import { AGENT_CHECKPOINT_ASKS_PER_MINUTE, startServer, type TelecalServer } from "@telecal/server";
import type { KeyObject } from "node:crypto";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitAck, type WireReply } from "../../fakes/acks";
import { connectAgentSocket, dmmBatch } from "../../fakes/agent-socket";
import { enrolAgent, signBatch } from "../../fakes/auth";
import { shrinkLog } from "../../fakes/rewrite-history";

const helloOf = (agentId: string): AgentHello => ({
  protocol: PROTOCOL_VERSION,
  agentId,
  name: `Lab ${agentId}`,
  software: "test",
  instruments: [
    { id: "dmm1", driver: "keysight-34465a", role: "uut", maker: "Keysight Technologies", model: "34465A", serial: "MY1", firmware: "1", streams: [{ id: "dmm1.dcv", quantity: "voltage", unit: "V" }] },
    CLOCK_INSTRUMENT,
  ],
});

/**
 * The /agent `checkpoint` event over the real socket: refusals, the answer's proofs as the agent's
 * CheckpointKeeper checks them, and a log cut back under the kept checkpoint, on each database.
 */
export function agentCheckpointSuite(name: string, database: () => Promise<{ databaseUrl?: string; dataDir?: string }>, done: () => Promise<void>) {
  describe(`/agent checkpoint on ${name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "telecal-agent-cp-"));
    let server: TelecalServer;
    let socket: Socket;
    let other: Socket;
    let deviceKey: KeyObject;
    const ask = async (s: Socket, body: unknown) => emitAck<Reply<AgentCheckpointAnswer>>(s, 5000, "checkpoint", body);
    const keeper = (file: string, overrides: Partial<CheckpointKeeperOptions> = {}) =>
      new CheckpointKeeper({
        file,
        agentId: "lab-k",
        log: silentLogger,
        ask: (since) => ask(socket, since === undefined ? {} : { since }),
        logKeys: async () => WellKnownKeys.parse((await server.app.inject({ method: "GET", url: "/.well-known/telecal-keys.json" })).json()).recordLog,
        ...overrides,
      });
    let seq = 0;
    const sendBatch = async () => {
      const reply = await emitAck<WireReply>(socket, 5000, "readings", signBatch(dmmBatch(seq, 5), deviceKey));
      expect(reply.ok).toBe(true);
      seq += 5;
    };

    beforeAll(async () => {
      server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, records: { checkpointIntervalMs: 0 }, ...(await database()) });
      const k = await enrolAgent(server, "lab-k");
      deviceKey = k.deviceKey;
      socket = await connectAgentSocket(server.url, k.auth);
      other = await connectAgentSocket(server.url, (await enrolAgent(server, "lab-l")).auth);
    }, 60_000);
    afterAll(async () => {
      socket?.disconnect();
      other?.disconnect();
      await server?.close();
      await done();
      rmSync(dir, { recursive: true, force: true });
    });

    it("refuses before hello, says plainly when nothing covers the agent's batches, and refuses a malformed ask", async () => {
      const early = await ask(socket, {});
      expect(early.ok || early.error.code).toBe("TC_ERR_HELLO_REQUIRED");
      expect((await emitAck<WireReply>(socket, 5000, "hello", helloOf("lab-k"))).ok).toBe(true);
      expect((await emitAck<WireReply>(other, 5000, "hello", helloOf("lab-l"))).ok).toBe(true);
      const none = await ask(socket, {});
      expect(none.ok || none.error.code).toBe("TC_ERR_AGENT_NOT_CHECKPOINTED");
      await sendBatch();
      await server.checkpoints.checkpoint();
      // A checkpoint exists, but lab-l has no batch under it.
      const notOurs = await ask(other, {});
      expect(notOurs.ok || notOurs.error.code).toBe("TC_ERR_AGENT_NOT_CHECKPOINTED");
      expect(notOurs.ok || notOurs.error.message).toBe("no checkpoint covers a reading batch of agent lab-l yet; ask again after the next one");
      const bad = await ask(socket, { since: -1 });
      expect(bad.ok || bad.error.code).toBe("TC_ERR_VALIDATION");
    });

    it("answers with proofs the agent's keeper accepts, and a consistency proof from the kept size", async () => {
      const file = join(dir, "kept.json");
      const k = keeper(file);
      expect(await k.refresh()).toBe("kept");
      const first = CheckpointResponse.parse(JSON.parse(readFileSync(file, "utf8")));
      expect(first.checkpoint).toEqual(await server.checkpoints.latest());
      expect(await k.refresh()).toBe("same");
      await sendBatch();
      await server.checkpoints.checkpoint();
      const answer = await ask(socket, { since: first.checkpoint.treeSize });
      if (!answer.ok) throw new Error(answer.error.message);
      expect(answer.record.stream).toBe("lab-k/dmm1.dcv");
      expect(answer.consistency?.length).toBeGreaterThan(0);
      expect(await k.refresh()).toBe("kept");
      expect(k.checkpoint?.treeSize).toBe(answer.checkpoint.treeSize);
    });

    it("keeps nothing signed by a key the server does not publish, nor another agent's record, nor a bent audit path", async () => {
      const unpublished = keeper(join(dir, "unpublished.json"), { logKeys: () => Promise.resolve([]) });
      expect(await unpublished.refresh()).toBe("rejected");
      expect(unpublished.lastRejection).toBe(`signed with key ${server.checkpoints.key.publicKey.keyId}, which the server does not publish as a record-log key`);
      /** A server (or a man in the middle) that changes its honest answer. */
      const changed = (change: (a: AgentCheckpointAnswer) => AgentCheckpointAnswer) => async (): Promise<Reply<AgentCheckpointAnswer>> => {
        const r = await ask(socket, {});
        return r.ok ? { ok: true, ...change(r) } : r;
      };
      const foreign = keeper(join(dir, "foreign.json"), { ask: changed((a) => ({ ...a, record: { ...a.record, actor: "agent:lab-l" } })) });
      expect(await foreign.refresh()).toBe("rejected");
      expect(foreign.lastRejection).toMatch(/^record \d+ is not a batch of this agent$/);
      const bent = keeper(join(dir, "bent.json"), { ask: changed((a) => ({ ...a, record: { ...a.record, auditPath: ["0".repeat(64), ...a.record.auditPath.slice(1)] } })) });
      expect(await bent.refresh()).toBe("rejected");
      expect(bent.lastRejection).toMatch(/^the inclusion proof of record \d+ does not lead to root [0-9a-f]{64}$/);
      for (const f of ["unpublished.json", "foreign.json", "bent.json"]) expect(existsSync(join(dir, f))).toBe(false);
    });

    it("keeps the old checkpoint when the log was cut back under it (an older backup put back)", async () => {
      const file = join(dir, "kept-shrunk.json");
      const k = keeper(file);
      expect(await k.refresh()).toBe("kept");
      const kept = readFileSync(file, "utf8");
      const size = k.checkpoint!.treeSize;
      await shrinkLog(server.store.db, size - 1);
      await server.checkpoints.checkpoint();
      expect(await k.refresh()).toBe("rejected");
      expect(k.lastRejection).toMatch(new RegExp(`^the log shrank: tree size \\d+ offered, ${size} kept$`));
      expect(readFileSync(file, "utf8")).toBe(kept);
    });

    it("holds one agent to a bounded number of asks a minute", async () => {
      // An agent of its own, that has not asked yet.
      const busy = await connectAgentSocket(server.url, (await enrolAgent(server, "lab-m")).auth);
      try {
        expect((await emitAck<WireReply>(busy, 5000, "hello", helloOf("lab-m"))).ok).toBe(true);
        const codes = new Set<string>();
        for (let i = 0; i < AGENT_CHECKPOINT_ASKS_PER_MINUTE; i++) {
          const r = await ask(busy, {});
          codes.add(r.ok ? "ok" : r.error.code);
        }
        expect([...codes]).toEqual(["TC_ERR_AGENT_NOT_CHECKPOINTED"]);
        const over = await ask(busy, {});
        expect(over.ok || over.error.code).toBe("TC_ERR_SOCKET_RATE_LIMITED");
      } finally {
        busy.disconnect();
      }
    });
  });
}
