import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KeyObject } from "node:crypto";
import { silentLogger } from "@telecal/agent";
import { Outbox } from "@telecal/agent/uplink/outbox";
import { Uplink } from "@telecal/agent/uplink/uplink";
import { type AgentHello, CLOCK_INSTRUMENT, PROTOCOL_VERSION, type ReadingBatchPayload, StreamRegressionPayload } from "@telecal/protocols";
import { databaseUrlFor, startServer, Store, type TelecalServer, verifyLog } from "@telecal/server";
import { recordsDb } from "@telecal/server/records/schema";
import { afterAll, describe, expect, it } from "vitest";
import { describeReport } from "../../cli/commands/verify";
import { enrolAgent } from "../fakes/auth";
import { waitFor } from "../fakes/bench";

const T0 = 1_800_000_000_000;
const helloOf = (agentId: string): AgentHello => ({
  protocol: PROTOCOL_VERSION,
  agentId,
  name: agentId,
  software: "test",
  instruments: [
    { id: "dmm1", driver: "keysight-34465a", role: "uut", maker: "Keysight Technologies", model: "34465A", serial: "MY1", firmware: "1", streams: [{ id: "dmm1.dcv", quantity: "voltage", unit: "V" }] },
    CLOCK_INSTRUMENT,
  ],
});
export const value = (i: number) => 1 + i * 1e-6;

/**
 * The store as a restore from an older backup (or a lost WAL tail) leaves it: every record after
 * `lastId` gone with the readings it stored and the checkpoints over it, acked seqs as the readings left.
 */
async function restoreTo(url: string, lastId: number): Promise<void> {
  const store = await Store.open(url);
  try {
    const records = recordsDb(store.db);
    for (const r of await records.selectFrom("records").selectAll().where("id", ">", lastId).where("kind", "=", "reading-batch").execute()) {
      const p = JSON.parse(r.payload) as ReadingBatchPayload;
      await store.db
        .deleteFrom("readings")
        .where("agent_id", "=", p.agentId)
        .where("stream_id", "=", p.streamId)
        .where("seq", ">=", p.firstSeq + (p.storedFrom ?? 0))
        .where("seq", "<", p.firstSeq + p.t.length)
        .execute();
    }
    await records.deleteFrom("records").where("id", ">", lastId).execute();
    await records.deleteFrom("record_checkpoints").where("tree_size", ">", lastId).execute();
    for (const s of await store.streams.streams()) {
      const top = await store.db
        .selectFrom("readings")
        .select((eb) => eb.fn.max("seq").as("top"))
        .where("agent_id", "=", s.agentId)
        .where("stream_id", "=", s.streamId)
        .executeTakeFirst();
      await store.db
        .updateTable("streams")
        .set({ acked_seq: top?.top === null || top?.top === undefined ? -1 : Number(top.top) })
        .where("agent_id", "=", s.agentId)
        .where("stream_id", "=", s.streamId)
        .execute();
    }
  } finally {
    await store.close();
  }
}

/** An agent of the test: its outbox file, and an uplink to whichever server is up. */
export class TestAgent {
  readonly outbox: Outbox;
  private uplink: Uplink | null = null;
  constructor(
    readonly agentId: string,
    file: string,
    retentionMs: number,
    private readonly auth: { agentId: string; credential: string },
    private readonly deviceKey: KeyObject,
  ) {
    this.outbox = new Outbox({ file, log: silentLogger, retentionMs });
  }
  connect(server: TelecalServer): void {
    this.uplink = new Uplink({ serverUrl: server.url, hello: () => helloOf(this.agentId), log: silentLogger, outbox: this.outbox, auth: this.auth, deviceKey: this.deviceKey, flushIntervalMs: 50, maxBatch: 10 });
    this.uplink.start();
  }
  push(from: number, to: number): void {
    for (let i = from; i < to; i++) this.outbox.push("dmm1", "dmm1.dcv", "V", { t: T0 + i * 100, value: value(i), flags: 0, clock: { offsetMs: 0, uncertaintyMs: 1 } });
    this.outbox.commit();
  }
  async disconnect(): Promise<void> {
    await this.uplink?.stop();
    this.uplink = null;
  }
}

/**
 * Issue 22, finding 3: after the server's store lost acknowledged readings (a corrupted WAL tail,
 * a restore from backup) every batch of the stream was refused with TC_ERR_SEQ_GAP for good, and
 * verify said OK. Now the agent tells its acked seqs at hello, the server records a
 * `stream-regression` alarm, and the agent resends what it retained; what it no longer holds
 * becomes a `server-lost` seq gap. The streams resume and verify names the loss.
 */
export function dataLossSuite(name: string, storage: () => Promise<{ databaseUrl?: string; dataDir?: string }>, done: () => Promise<void>) {
  describe(`issue 22 finding 3, a store that lost acknowledged readings, on ${name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "telecal-data-loss-"));
    let server: TelecalServer | undefined;
    const agents: TestAgent[] = [];
    afterAll(async () => {
      for (const a of agents) {
        await a.disconnect();
        a.outbox.close();
      }
      await server?.close();
      await done();
      rmSync(dir, { recursive: true, force: true });
    });

    it("streams resume after the store went back 20 readings: resent from the agent's retention, or a seq gap where it kept none; verify names both", async () => {
      const options = { host: "127.0.0.1", port: 0, logger: false, webRoot: null, ...(await storage()) } as const;
      server = await startServer(options);
      const keeps = await enrolAgent(server, "lab-keeps");
      const pruned = await enrolAgent(server, "lab-pruned", "org-b");
      // One agent keeps its acknowledged readings a week (the default), the other not at all.
      const a = new TestAgent("lab-keeps", join(dir, "keeps.db"), 7 * 24 * 3_600_000, keeps.auth, keeps.deviceKey);
      const b = new TestAgent("lab-pruned", join(dir, "pruned.db"), 0, pruned.auth, pruned.deviceKey);
      agents.push(a, b);
      const acked = async (agentId: string) => (await server!.store.streams.ackedSeqs(agentId))["dmm1.dcv"];
      const untilAcked = (agent: TestAgent, seq: number) =>
        waitFor(`${agent.agentId} acked to ${seq}`, async () => ((await acked(agent.agentId)) === seq && agent.outbox.size === 0 ? true : undefined), 30_000);

      for (const agent of [a, b]) agent.connect(server);
      for (const agent of [a, b]) agent.push(0, 20);
      await untilAcked(a, 19);
      await untilAcked(b, 19);
      // The backup is taken here.
      const backup = await waitFor("the last record id", async () => (await server!.store.records.page(0, 100_000)).at(-1)?.id);
      for (const agent of [a, b]) agent.push(20, 40);
      await untilAcked(a, 39);
      await untilAcked(b, 39);
      for (const agent of [a, b]) await agent.disconnect();
      await server.close();

      await restoreTo(databaseUrlFor(options), backup);
      // The server knows its log is older than its last checkpoint and starts only when told the restore was meant.
      await expect(startServer(options)).rejects.toMatchObject({ code: "TC_ERR_LOG_REGRESSED" });
      server = await startServer({ ...options, records: { acceptRestoredLog: true } });
      expect(await acked("lab-keeps")).toBe(19);
      for (const agent of [a, b]) agent.connect(server);
      // Before the fix: TC_ERR_SEQ_GAP "batch starts at seq 40, expected at most 20" for ever.
      await untilAcked(a, 39);
      b.push(40, 45);
      await untilAcked(b, 44);

      const readings = async (agentId: string) => (await server!.store.readings.readings(agentId, "dmm1.dcv", -1, 1000)).map((r) => [r.seq, r.value]);
      const seqs = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => [from + k, value(from + k)]);
      // Every seq stored once, with the value taken at the bench.
      expect(await readings("lab-keeps")).toEqual(seqs(0, 40));
      // The agent that kept nothing: 20-39 are lost, and said so; the stream goes on at 40.
      expect(await readings("lab-pruned")).toEqual([...seqs(0, 20), ...seqs(40, 45)]);
      expect(await server.store.gaps.list("lab-pruned", "dmm1.dcv")).toMatchObject([{ agentId: "lab-pruned", firstSeq: 20, lastSeq: 39, reason: "server-lost" }]);
      expect(await server.store.gaps.list("lab-keeps", "dmm1.dcv")).toEqual([]);

      const alarms = (await server.store.records.page(0, 100_000)).filter((r) => r.kind === "stream-regression");
      const dmmAlarms = alarms
        .filter((r) => r.stream.endsWith("/dmm1.dcv"))
        .map((r) => ({ stream: r.stream, ...StreamRegressionPayload.parse(JSON.parse(r.payload)) }))
        .sort((x, y) => x.stream.localeCompare(y.stream));
      expect(dmmAlarms).toMatchObject([
        { stream: "lab-keeps/dmm1.dcv", agentId: "lab-keeps", streamId: "dmm1.dcv", expectedSeq: 20, agentAckedSeq: 39 },
        { stream: "lab-pruned/dmm1.dcv", agentId: "lab-pruned", streamId: "dmm1.dcv", expectedSeq: 20, agentAckedSeq: 39 },
      ]);

      const report = await verifyLog(server.store.db);
      expect(report).toMatchObject({ ok: true, firstBadRecord: null, firstBadCheckpoint: null });
      expect(report.restores).toHaveLength(1);
      expect(report.regressions.filter((x) => x.stream.endsWith("/dmm1.dcv"))).toHaveLength(2);
      // The agents' clock streams lost theirs too when a clock reading came after the backup: not counted here.
      expect(report.gaps.filter((g) => g.stream.endsWith("/dmm1.dcv"))).toEqual([{ stream: "lab-pruned/dmm1.dcv", firstSeq: 20, lastSeq: 39, count: 20, reason: "server-lost" }]);
      const text = describeReport(report, "test");
      expect(text).toContain("regression: stream lab-keeps/dmm1.dcv: the store held seqs only up to 19, the agent had seen 39 acknowledged");
      expect(text).toContain("regression: stream lab-pruned/dmm1.dcv: the store held seqs only up to 19, the agent had seen 39 acknowledged");
      expect(text).toContain("gap: stream lab-pruned/dmm1.dcv: seqs 20 to 39 (20 readings) lost after they were acknowledged");

      // A later hello (the agent restarted) raises no new alarm: the agent took the server's seqs.
      for (const agent of [a, b]) await agent.disconnect();
      for (const agent of [a, b]) agent.connect(server);
      a.push(40, 41);
      await untilAcked(a, 40);
      expect((await server.store.records.page(0, 100_000)).filter((r) => r.kind === "stream-regression")).toHaveLength(alarms.length);
    }, 120_000);
  });
}
