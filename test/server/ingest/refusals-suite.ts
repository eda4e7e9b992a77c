import { type AgentHello, CLOCK_INSTRUMENT, PROTOCOL_VERSION, type ReadingBatch } from "@telecal/protocols";
import { startServer, type TelecalServer, verifyLog } from "@telecal/server";
import type { KeyObject } from "node:crypto";
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
  });
}
