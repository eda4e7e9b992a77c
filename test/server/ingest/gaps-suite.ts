import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@telecal/agent";
import { Outbox } from "@telecal/agent/uplink/outbox";
import { Uplink } from "@telecal/agent/uplink/uplink";
import { type AgentHello, CLOCK_INSTRUMENT, gapSigningBytes, PROTOCOL_VERSION, type ReadingGap, type ReadingCountGapPayload } from "@telecal/protocols";
import { startServer, type TelecalServer, verifyLog } from "@telecal/server";
import { type KeyObject, sign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeReport } from "../../../cli/commands/verify";
import { emitAck } from "../../fakes/acks";
import { connectAgentSocket } from "../../fakes/agent-socket";
import { enrolAgent } from "../../fakes/auth";
import { waitFor } from "../../fakes/bench";

const CAPACITY = 20;
const LOST = 30;
const T0 = 1_800_000_000_000;
const hello: AgentHello = {
  protocol: PROTOCOL_VERSION,
  agentId: "lab-g",
  name: "Lab G",
  software: "test",
  instruments: [
    { id: "dmm1", driver: "keysight-34465a", role: "uut", maker: "Keysight Technologies", model: "34465A", serial: "MY1", firmware: "1", streams: [{ id: "dmm1.dcv", quantity: "voltage", unit: "V" }] },
    CLOCK_INSTRUMENT,
  ],
};

/**
 * Readings an agent could not keep travel to the server as a gap record: an outbox of 20 readings
 * filled while the server was away, 30 more readings lost; once the link is up and a reading is
 * kept after them, the gap goes over the real socket (signed), is stored once in the stream's
 * record log, listed by the API and named by `telecal verify`.
 */
export function gapsSuite(name: string, database: () => Promise<{ databaseUrl?: string; dataDir?: string }>, done: () => Promise<void>) {
  describe(`gap records on ${name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "telecal-gaps-"));
    let server: TelecalServer;
    let auth: { agentId: string; credential: string };
    let deviceKey: KeyObject;
    let token: string;
    beforeAll(async () => {
      server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, ...(await database()) });
      ({ auth, deviceKey } = await enrolAgent(server, "lab-g"));
      await server.store.auth.createOrganisation("org-a", "A", "county-station").catch(() => undefined);
      await server.store.auth.createUser({ organisationId: "org-a", username: "viewer-g", displayName: "viewer", role: "technician", password: "gap-test-password" });
      const res = await server.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "viewer-g", password: "gap-test-password" } });
      token = res.json<{ token: string }>().token;
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await done();
      rmSync(dir, { recursive: true, force: true });
    });

    const gaps = async () =>
      (await server.app.inject({ method: "GET", url: "/api/streams/lab-g:dmm1.dcv/gaps", headers: { authorization: `Bearer ${token}` } })).json<{ gaps: ReadingCountGapPayload[] }>().gaps;

    it("an outbox that was full sends its gap once a reading is kept after it; the server stores it once and verify names it", async () => {
      const outbox = new Outbox({ file: join(dir, "outbox.db"), log: silentLogger, capacity: CAPACITY });
      const push = (i: number) => outbox.push("dmm1", "dmm1.dcv", "V", { t: T0 + i * 100, value: 1 + i * 1e-6, flags: 0, clock: { offsetMs: 0, uncertaintyMs: 1 } });
      // The server is away: 20 readings kept (seqs 0-19), the next 30 lost.
      for (let i = 0; i < CAPACITY + LOST; i++) push(i);
      outbox.commit();
      expect(outbox.gaps()).toMatchObject([{ streamId: "dmm1.dcv", firstSeq: CAPACITY, count: LOST, reason: "outbox-full" }]);
      // Still open (nothing kept after it): not sent yet.
      expect(outbox.closedGaps()).toEqual([]);

      const uplink = new Uplink({ serverUrl: server.url, hello: () => hello, log: silentLogger, outbox, auth, deviceKey, flushIntervalMs: 50 });
      uplink.start();
      try {
        await waitFor("the 20 kept readings acked", async () => ((await server.store.streams.ackedSeqs("lab-g"))["dmm1.dcv"] === CAPACITY - 1 ? true : undefined), 20_000);
        // And the agent has taken the ack (its outbox let them go): a reading now finds room.
        await waitFor("the outbox emptied of the DMM's readings", () => (outbox.pendingStreams().includes("dmm1.dcv") ? undefined : true), 20_000);
        // Room again: the next reading is kept (seq 20) and closes the gap, which then goes to the server.
        push(CAPACITY + LOST);
        outbox.commit();
        await waitFor("the gap record at the server", async () => ((await gaps()).length > 0 ? true : undefined), 20_000);
        // The DMM's gap: a clock reading taken while the outbox was still full has a gap of its own, open till the next one.
        await waitFor("the gap marked delivered at the agent", () => (outbox.gaps().some((g) => g.streamId === "dmm1.dcv") ? undefined : true), 10_000);
        // The reading after the gap travels on its own, in its batch.
        await waitFor("the reading after the gap acked", async () => ((await server.store.streams.ackedSeqs("lab-g"))["dmm1.dcv"] === CAPACITY ? true : undefined), 20_000);
      } finally {
        await uplink.stop();
        outbox.close();
      }
      const [gap] = await gaps();
      expect(gap).toMatchObject({ agentId: "lab-g", streamId: "dmm1.dcv", instrumentId: "dmm1", firstSeq: CAPACITY, count: LOST, tFirst: T0 + CAPACITY * 100, tLast: T0 + (CAPACITY + LOST - 1) * 100, reason: "outbox-full" });

      const report = await verifyLog(server.store.db);
      expect(report.ok).toBe(true);
      expect(report.gaps).toEqual([{ stream: "lab-g/dmm1.dcv", firstSeq: CAPACITY, count: LOST, tFirst: gap!.tFirst, tLast: gap!.tLast, reason: "outbox-full" }]);
      expect(describeReport(report, "test")).toContain(`gap: stream lab-g/dmm1.dcv: ${LOST} readings missing before seq ${CAPACITY}, taken ${new Date(gap!.tFirst).toISOString()}`);
    });

    it("a gap sent again is acked and stored once; a forged or foreign one is refused with its code", async () => {
      const socket = await connectAgentSocket(server.url, auth);
      try {
        expect(await emitAck(socket, 5000, "hello", hello)).toMatchObject({ ok: true });
        const [stored] = await gaps();
        const { agentId: _a, receivedAt: _r, ...sent } = stored!;
        void [_a, _r];
        expect(await emitAck(socket, 5000, "gap", sent)).toEqual({ ok: true, streamId: "dmm1.dcv", firstSeq: CAPACITY });
        expect(await gaps()).toHaveLength(1);

        const changed: ReadingGap = { ...sent, count: 3 };
        expect(await emitAck(socket, 5000, "gap", changed)).toMatchObject({ ok: false, error: { code: "TC_ERR_BAD_SIGNATURE" } });
        const unsigned = { streamId: "dmm9.dcv", instrumentId: "dmm9", firstSeq: 0, count: 1, tFirst: T0, tLast: T0, reason: "outbox-full" as const };
        const foreign = { ...unsigned, signature: sign(null, gapSigningBytes(unsigned), deviceKey).toString("base64") };
        expect(await emitAck(socket, 5000, "gap", foreign)).toMatchObject({ ok: false, error: { code: "TC_ERR_UNKNOWN_STREAM" } });
        expect(await emitAck(socket, 5000, "gap", { ...unsigned, tLast: T0 - 1, signature: "x" })).toMatchObject({ ok: false, error: { code: "TC_ERR_VALIDATION" } });
        expect(await gaps()).toHaveLength(1);
      } finally {
        socket.close();
      }
    });
  });
}
