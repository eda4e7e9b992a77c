import { type AgentHello, canonicalJson, CLOCK_INSTRUMENT, gapSigningBytes, PROTOCOL_VERSION, type ReadingBatch, type ReadingSeqGap } from "@telecal/protocols";
import { startServer, type TelecalServer, verifyLog } from "@telecal/server";
import { type KeyObject, sign } from "node:crypto";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { enrolAgent, signBatch } from "../../fakes/auth";
import { emitAck } from "../../fakes/acks";
import { connectAgentSocket, dmmBatch } from "../../fakes/agent-socket";

const DMM = {
  id: "dmm1",
  driver: "keysight-34465a",
  role: "uut" as const,
  maker: "Keysight Technologies",
  model: "34465A",
  serial: "MY1",
  firmware: "1",
  streams: [{ id: "dmm1.dcv", quantity: "voltage", unit: "V" }],
};

const DMM2 = { ...DMM, id: "dmm2", serial: "MY2", streams: [{ id: "dmm2.dcv", quantity: "voltage", unit: "V" }] };

const hello = (instruments: AgentHello["instruments"]): AgentHello => ({ protocol: PROTOCOL_VERSION, agentId: "lab-r", name: "Lab R", software: "test", instruments });

/**
 * Ingest refuses what it cannot store faithfully, over the real /agent socket: each refusal has its
 * registry code, stores nothing, and is a record of kind `ingest-refusal` in the log.
 */
export function refusalsSuite(name: string, database: () => Promise<{ databaseUrl?: string }>, done: () => Promise<void>) {
  describe(`ingest refusals on ${name}`, () => {
    let server: TelecalServer;
    let socket: Socket;
    let auth: { agentId: string; credential: string };
    let deviceKey: KeyObject;
    beforeAll(async () => {
      server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, ...(await database()) });
      ({ auth, deviceKey } = await enrolAgent(server, "lab-r"));
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await done();
    });
    afterEach(() => {
      socket?.close();
    });

    async function connect(): Promise<Socket> {
      socket = await connectAgentSocket(server.url, auth);
      return socket;
    }

    const batch = (firstSeq: number, n: number, unit = "V"): ReadingBatch => signBatch(dmmBatch(firstSeq, n, unit), deviceKey);

    const refusals = async () =>
      (await server.store.records.page(0, 10_000)).filter((r) => r.stream === "refusals/lab-r").map((r) => ({ kind: r.kind, ...(JSON.parse(r.payload) as { code: string }) }));

    it("a reserved instrument id (agent-clock) other than the agent's own clock: hello refused and recorded", async () => {
      const s = await connect();
      const fake = { ...DMM, id: "agent-clock", streams: [{ id: "agent-clock.dcv", quantity: "voltage", unit: "V" }] };
      const refused = await emitAck(s, 5000, "hello", hello([fake, CLOCK_INSTRUMENT]));
      expect(refused).toMatchObject({ ok: false, error: { code: "TC_ERR_RESERVED_ID" } });
      const stolenStream = await s.timeout(5000).emitWithAck("hello", hello([{ ...DMM, streams: [{ id: "agent-clock.offset", quantity: "voltage", unit: "V" }] }]));
      expect(stolenStream).toMatchObject({ ok: false, error: { code: "TC_ERR_RESERVED_ID" } });
      expect(await server.store.db.selectFrom("streams").select("stream_id").where("agent_id", "=", "lab-r").execute()).toEqual([]);
      // The agent's own clock, as every agent announces it, is taken.
      expect(await s.timeout(5000).emitWithAck("hello", hello([DMM, CLOCK_INSTRUMENT]))).toMatchObject({ ok: true });
      expect((await refusals()).map((r) => [r.kind, r.code])).toEqual([
        ["ingest-refusal", "TC_ERR_RESERVED_ID"],
        ["ingest-refusal", "TC_ERR_RESERVED_ID"],
      ]);
    });

    it("a batch in another unit than its stream's (mV for V): refused, nothing stored, recorded", async () => {
      const s = await connect();
      await s.timeout(5000).emitWithAck("hello", hello([DMM, CLOCK_INSTRUMENT]));
      const refused = await emitAck(s, 5000, "readings", batch(0, 3, "mV"));
      expect(refused).toMatchObject({ ok: false, error: { code: "TC_ERR_UNIT_MISMATCH" } });
      expect(refused.error.message).toContain("announced in V");
      expect(await server.store.readings.readings("lab-r", "dmm1.dcv")).toEqual([]);
      expect((await refusals()).at(-1)).toMatchObject({ kind: "ingest-refusal", code: "TC_ERR_UNIT_MISMATCH", streamId: "dmm1.dcv", firstSeq: 0, unit: "mV", announced: "V" });
      // The same readings in the announced unit are stored.
      expect(await s.timeout(5000).emitWithAck("readings", batch(0, 3))).toEqual({ ok: true, streamId: "dmm1.dcv", ackedSeq: 2 });
      expect(await server.store.readings.readings("lab-r", "dmm1.dcv")).toHaveLength(3);
    });

    it("a stored seq resent, validly signed, with another value: refused, the stored reading kept, an alarm recorded", async () => {
      const s = await connect();
      await s.timeout(5000).emitWithAck("hello", hello([DMM, CLOCK_INSTRUMENT]));
      const before = await server.store.readings.readings("lab-r", "dmm1.dcv");
      // The same seqs 1..4 (1 and 2 stored), seq 2 with another value, re-signed with the device key.
      const changed = batch(1, 4);
      changed.values[1] = 9.99;
      const refused = await emitAck(s, 5000, "readings", signBatch(changed, deviceKey));
      expect(refused).toMatchObject({ ok: false, error: { code: "TC_ERR_SEQ_CONFLICT" } });
      expect(refused.error.message).toMatch(/seq 2 .*value 1\.000002, resent 9\.99/);
      expect(await server.store.readings.readings("lab-r", "dmm1.dcv")).toEqual(before);
      expect((await refusals()).at(-1)).toMatchObject({ kind: "ingest-refusal", code: "TC_ERR_SEQ_CONFLICT", alarm: true, streamId: "dmm1.dcv", firstSeq: 1, count: 4 });
      // An honest resend of the same overlap is still taken and acked.
      const honest = batch(1, 4);
      expect(await s.timeout(5000).emitWithAck("readings", honest)).toEqual({ ok: true, streamId: "dmm1.dcv", ackedSeq: 4 });
      // Its record keeps the whole batch and the agent's signature: seqs 3 and 4, stored by it, stay
      // attributable to a signed batch; 1 and 2 were stored by the first one.
      const record = (await server.store.records.page(0, 10_000)).filter((r) => r.stream === "lab-r/dmm1.dcv" && r.kind === "reading-batch").at(-1)!;
      expect(JSON.parse(record.payload)).toMatchObject({ firstSeq: 1, storedFrom: 2, t: honest.t, values: honest.values, signature: honest.signature });
      expect((await verifyLog(server.store.db)).ok).toBe(true);
    });

    it("a new stream's first batch at seq 5: refused with TC_ERR_FIRST_SEQ_SKIPPED and recorded, until the agent's seq gaps cover 0-4", async () => {
      const s = await connect();
      expect(await emitAck(s, 5000, "hello", hello([DMM, DMM2, CLOCK_INSTRUMENT]))).toMatchObject({ ok: true });
      const dmm2 = (firstSeq: number, n: number) => signBatch({ ...dmmBatch(firstSeq, n), streamId: "dmm2.dcv", instrumentId: "dmm2" }, deviceKey);
      const seqGap = (firstSeq: number, lastSeq: number): ReadingSeqGap => {
        const unsigned = { streamId: "dmm2.dcv", instrumentId: "dmm2", firstSeq, lastSeq, reason: "server-lost" as const };
        return { ...unsigned, signature: sign(null, gapSigningBytes(unsigned), deviceKey).toString("base64") };
      };
      const at5 = dmm2(5, 5);
      // Before: taken from seq 5, and a later batch for 0-4 acknowledged and never stored.
      const refused = await emitAck(s, 5000, "readings", at5);
      expect(refused).toMatchObject({ ok: false, error: { code: "TC_ERR_FIRST_SEQ_SKIPPED" } });
      expect(refused.error.message).toContain("seqs 0 to 4 need a gap record");
      expect(await server.store.readings.readings("lab-r", "dmm2.dcv")).toEqual([]);
      expect((await refusals()).at(-1)).toMatchObject({ kind: "ingest-refusal", code: "TC_ERR_FIRST_SEQ_SKIPPED", streamId: "dmm2.dcv", firstSeq: 5, count: 5 });
      // A gap over 2-4 alone leaves 0 and 1 uncovered.
      expect(await emitAck(s, 5000, "gap", seqGap(2, 4))).toEqual({ ok: true, streamId: "dmm2.dcv", firstSeq: 2 });
      expect(await emitAck(s, 5000, "readings", at5)).toMatchObject({ ok: false, error: { code: "TC_ERR_FIRST_SEQ_SKIPPED" } });
      // With 0-1 too every missing seq is covered: the acked seq moves over them (a hello says 4).
      expect(await emitAck(s, 5000, "gap", seqGap(0, 1))).toEqual({ ok: true, streamId: "dmm2.dcv", firstSeq: 0 });
      expect(await emitAck(s, 5000, "gap", seqGap(0, 1))).toEqual({ ok: true, streamId: "dmm2.dcv", firstSeq: 0 });
      expect(await emitAck<{ acked: Record<string, number> }>(s, 5000, "hello", hello([DMM, DMM2, CLOCK_INSTRUMENT]))).toMatchObject({ acked: { "dmm2.dcv": 4 } });
      expect(await emitAck(s, 5000, "readings", at5)).toEqual({ ok: true, streamId: "dmm2.dcv", ackedSeq: 9 });
      // A stream with readings stored keeps TC_ERR_SEQ_GAP for a batch past its acked seq.
      expect(await emitAck(s, 5000, "readings", dmm2(12, 2))).toMatchObject({ ok: false, error: { code: "TC_ERR_SEQ_GAP" } });
      // A seq gap changed after signing, or signed as a count gap, is refused.
      expect(await emitAck(s, 5000, "gap", { ...seqGap(10, 11), lastSeq: 12 })).toMatchObject({ ok: false, error: { code: "TC_ERR_BAD_SIGNATURE" } });
      const countForm = { streamId: "dmm2.dcv", instrumentId: "dmm2", firstSeq: 10, lastSeq: 11, reason: "server-lost" as const };
      const wrongDomain = sign(null, new TextEncoder().encode(`telecal/reading-gap/v1\n${canonicalJson(countForm)}`), deviceKey).toString("base64");
      expect(await emitAck(s, 5000, "gap", { ...countForm, signature: wrongDomain })).toMatchObject({ ok: false, error: { code: "TC_ERR_BAD_SIGNATURE" } });
      const report = await verifyLog(server.store.db);
      expect(report.ok).toBe(true);
      expect(report.gaps).toEqual([
        { stream: "lab-r/dmm2.dcv", firstSeq: 2, lastSeq: 4, count: 3, reason: "server-lost" },
        { stream: "lab-r/dmm2.dcv", firstSeq: 0, lastSeq: 1, count: 2, reason: "server-lost" },
      ]);
    });
  });
}
