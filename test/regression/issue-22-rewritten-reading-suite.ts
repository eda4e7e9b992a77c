import { generateKeyPairSync } from "node:crypto";
import { canonicalJson, CLOCK_INSTRUMENT, PROTOCOL_VERSION, type AgentHello } from "@telecal/protocols";
import { chainHash, sha256Hex, startServer, type TelecalServer, verifyLog } from "@telecal/server";
import { recordsDb } from "@telecal/server/records/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitAck } from "../fakes/acks";
import { connectAgentSocket, dmmBatch } from "../fakes/agent-socket";
import { enrolAgent, signBatch } from "../fakes/auth";

const hello: AgentHello = {
  protocol: PROTOCOL_VERSION,
  agentId: "lab-w",
  name: "Lab W",
  software: "test",
  instruments: [
    { id: "dmm1", driver: "keysight-34465a", role: "uut", maker: "Keysight Technologies", model: "34465A", serial: "MY1", firmware: "1", streams: [{ id: "dmm1.dcv", quantity: "voltage", unit: "V" }] },
    CLOCK_INSTRUMENT,
  ],
};
const STREAM = "lab-w/dmm1.dcv";

/**
 * Issue 22, finding 1: a reading rewritten in the database, its record's hash chain recomputed
 * (and no checkpoint in the way), passed `telecal verify`. Each batch record now keeps the agent's
 * signature and verify checks it against the device keys the agent has had, so the rewrite is
 * named; a key replaced by re-enrolment never makes the batches it signed fail.
 */
export function rewrittenReadingSuite(name: string, database: () => Promise<{ databaseUrl?: string }>, done: () => Promise<void>) {
  describe(`issue 22 finding 1, a rewritten reading with its chain recomputed, on ${name}`, () => {
    let server: TelecalServer;
    beforeAll(async () => {
      server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, ...(await database()) });
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await done();
    });

    it("batches signed under an old and a new device key verify; a reading rewritten with a recomputed chain is named", async () => {
      const first = await enrolAgent(server, "lab-w");
      let socket = await connectAgentSocket(server.url, first.auth);
      expect(await emitAck(socket, 5000, "hello", hello)).toMatchObject({ ok: true });
      for (const from of [0, 5]) expect(await emitAck(socket, 5000, "readings", signBatch(dmmBatch(from, 5), first.deviceKey))).toMatchObject({ ok: true });
      socket.close();
      // Re-enrolled with a new key (as after a re-install): the key history keeps the old one.
      const second = generateKeyPairSync("ed25519");
      const credential = await server.store.auth.issueAgentCredential("lab-w", "Lab W", "org-a", second.publicKey.export({ type: "spki", format: "pem" }).toString());
      socket = await connectAgentSocket(server.url, { agentId: "lab-w", credential });
      expect(await emitAck(socket, 5000, "hello", hello)).toMatchObject({ ok: true });
      expect(await emitAck(socket, 5000, "readings", signBatch(dmmBatch(10, 5), second.privateKey))).toMatchObject({ ok: true });
      socket.close();
      expect(await verifyLog(server.store.db)).toMatchObject({ ok: true, readings: 15, unsignedBatches: 0, firstBadRecord: null });

      // The forger: seq 3's value changed in the readings table and in its record, the record's
      // payload hash and the stream's chain recomputed from there on, no checkpoint left to compare.
      const db = recordsDb(server.store.db);
      await db.deleteFrom("record_checkpoints").execute();
      await server.store.db.updateTable("readings").set({ value: 1.5 }).where("agent_id", "=", "lab-w").where("stream_id", "=", "dmm1.dcv").where("seq", "=", 3).execute();
      const chain = await db.selectFrom("records").selectAll().where("stream", "=", STREAM).orderBy("seq").execute();
      let prevHash = chain[0]!.prev_hash;
      for (const r of chain) {
        let payload = r.payload;
        if (r.seq === 0) {
          const p = JSON.parse(r.payload) as { values: number[] };
          p.values[3] = 1.5;
          payload = canonicalJson(p);
        }
        const payloadHash = sha256Hex(payload);
        const hash = chainHash({ stream: r.stream, seq: r.seq, kind: r.kind, payloadHash, prevHash });
        await db.updateTable("records").set({ payload, payload_hash: payloadHash, prev_hash: prevHash, hash }).where("id", "=", r.id).execute();
        prevHash = hash;
      }
      const report = await verifyLog(server.store.db);
      expect(report.ok).toBe(false);
      expect(report.firstBadRecord).toMatchObject({ id: chain[0]!.id, stream: STREAM, seq: 0, reason: expect.stringContaining("signature does not verify") });
    });
  });
}
