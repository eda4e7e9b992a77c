import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NAMESPACE } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyObject } from "node:crypto";
import { enrolAgent, signBatch } from "../../fakes/auth";
import { batch, hello } from "./store-suite";
import { emitAck } from "../../fakes/acks";

describe("/agent ingest through the store", () => {
  let dataDir: string;
  let server: TelecalServer;
  let socket: Socket;
  let deviceKey: KeyObject;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "telecal-ingest-"));
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir });
    const enrolled = await enrolAgent(server, "lab-a");
    const auth = enrolled.auth;
    deviceKey = enrolled.deviceKey;
    socket = io(`${server.url}${NAMESPACE.agent}`, { transports: ["websocket"], forceNew: true, auth });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  });
  afterAll(async () => {
    socket?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("acks a batch only once it is in the store", async () => {
    expect(await socket.timeout(5000).emitWithAck("hello", hello("lab-a"))).toMatchObject({ ok: true, acked: { "dmm1.dcv": -1 } });
    for (const [first, n] of [[0, 4], [2, 6], [8, 3]] as const) {
      const reply = await emitAck<{ ok: boolean; ackedSeq: number }>(socket, 5000, "readings", signBatch(batch(first, n), deviceKey));
      expect(reply.ok).toBe(true);
      const stored = await server.store.readings.readings("lab-a", "dmm1.dcv", -1, 1000);
      expect(stored.at(-1)?.seq).toBe(reply.ackedSeq);
      expect(stored).toHaveLength(reply.ackedSeq + 1);
    }
    // Viewers see each reading once, however often it was sent.
    expect(server.hub.snapshot().history["lab-a:dmm1.dcv"]).toHaveLength(11);
  });

  it("answers TC_ERR_STORE_FAILED when the store cannot take a batch, shows viewers nothing of it, and stays up", async () => {
    await server.store.close();
    const reply = await socket.timeout(5000).emitWithAck("readings", signBatch(batch(11, 2), deviceKey));
    expect(reply).toEqual({
      ok: false,
      error: {
        code: "TC_ERR_STORE_FAILED",
        message: "the store could not take reading batch dmm1.dcv from seq 11; nothing of it was stored",
      },
    });
    expect(server.hub.snapshot().history["lab-a:dmm1.dcv"]).toHaveLength(11);
    expect(socket.connected).toBe(true);
  });
});
