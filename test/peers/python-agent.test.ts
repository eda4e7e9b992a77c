import { execFile } from "node:child_process";
import { createPublicKey, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { batchSigningBytes, ReadingBatchPayload, readingsRecordStream, streamRef } from "@telecal/protocols";
import { recordsDb, startServer, type TelecalServer, verifyLog } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers, TEST_PASSWORD } from "../fakes/auth";
import { requireTool } from "./require-tool";

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL("./python_agent.py", import.meta.url));
const AGENT = "py-peer";
const STREAM = "py-dmm.dcv";

interface SentReading {
  seq: number;
  t: number;
  value: number | null;
  flags: number;
  historical: boolean;
}
interface AgentSummary {
  agentId: string;
  stream: string;
  sent: SentReading[];
  batches: number;
  clock: { offsetMs: number; uncertaintyMs: number };
  publicKey: string;
}

/** Debian's python3 with python-socketio (WebSocket transport), requests and cryptography. */
async function requirePythonPeer(): Promise<string> {
  const python = requireTool("python3", "/usr/bin/python3");
  try {
    await run(python, ["-c", "import socketio, websocket, requests, cryptography"]);
  } catch (err) {
    throw new Error(
      `python3-socketio, python3-websocket, python3-requests or python3-cryptography is not installed: run \`npm run setup\` first (${(err as Error).message})`,
      { cause: err },
    );
  }
  return python;
}

async function python(bin: string, args: string[]): Promise<unknown> {
  const out = await run(bin, [SCRIPT, ...args], { timeout: 60_000 }).catch((err: { stderr?: string; message: string }) => {
    throw new Error(`python_agent.py ${args[0]} failed: ${err.stderr ?? err.message}`);
  });
  const last = out.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as unknown;
}

/**
 * An agent written in Python from docs/protocol.md alone enrols, streams signed batches and reads
 * them back: if the docs miss a rule, the Python gets it wrong and this fails.
 */
describe("an independent Python agent written from docs/protocol.md", () => {
  let bin: string;
  let server: TelecalServer;
  let dataDir: string;
  beforeAll(async () => {
    bin = await requirePythonPeer();
    dataDir = mkdtempSync(join(tmpdir(), "telecal-pypeer-"));
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir });
    await seedUsers(server);
  });
  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("enrols with a one-time token, streams signed batches, reads them back; the server stored and verifies them", async () => {
    const admin = await login(server, "admin");
    const made = await fetch(`${server.url}/api/agents/enrolment-tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
      body: "{}",
    });
    expect(made.status).toBe(201);
    const { token } = (await made.json()) as { token: string };

    const summary = (await python(bin, ["agent", "--server", server.url, "--token", token, "--agent-id", AGENT, "--username", "technician", "--password", TEST_PASSWORD])) as AgentSummary;
    expect(summary.stream).toBe(streamRef(AGENT, STREAM));
    expect(summary.batches).toBe(3);

    // What the server holds is what Python sent, reading for reading.
    const stored = await server.store.readings.readings(AGENT, STREAM);
    expect(stored.map((r) => [r.seq, r.t, r.value, r.flags, r.clockOffsetMs, r.clockUncertaintyMs])).toEqual(
      summary.sent.map((s) => [s.seq, s.t, s.value === 0 ? 0 : s.value, s.flags, summary.clock.offsetMs, summary.clock.uncertaintyMs]),
    );

    // Each batch is a record carrying the agent's signature, which verifies with its enrolled key.
    const pem = await server.store.agents.publicKey(AGENT);
    expect(pem).toContain("BEGIN PUBLIC KEY");
    const key = createPublicKey(pem!);
    const records = await recordsDb(server.store.db)
      .selectFrom("records")
      .select(["payload", "actor", "kind"])
      .where("stream", "=", readingsRecordStream(AGENT, STREAM))
      .orderBy("seq")
      .execute();
    expect(records.map((r) => [r.kind, r.actor])).toEqual([0, 1, 2].map(() => ["reading-batch", `agent:${AGENT}`]));
    for (const r of records) {
      const { agentId, receivedAt: _at, signature, ...batch } = ReadingBatchPayload.parse(JSON.parse(r.payload));
      void _at;
      expect(agentId).toBe(AGENT);
      expect(verify(null, batchSigningBytes(batch), key, Buffer.from(signature!, "base64"))).toBe(true);
    }
    const report = await verifyLog(server.store.db, { trustedKeys: [server.checkpoints.key.publicKey] });
    expect([report.ok, report.firstBadRecord]).toEqual([true, null]);
    expect(report.readings).toBe(summary.sent.length + 1);

    // The Python peer checks the signed checkpoint and every inclusion proof against it, and from
    // the log's rows (as `telecal verify` reads them) recomputes payload hashes, the hash chain, the
    // Merkle leaves and its own batches' signatures by the docs' layout.
    const cp = await server.checkpoints.checkpoint();
    const rows = await recordsDb(server.store.db).selectFrom("records").selectAll().orderBy("id").execute();
    const rowsFile = join(dataDir, "records.json");
    writeFileSync(
      rowsFile,
      JSON.stringify(rows.map((r) => ({ id: r.id, stream: r.stream, seq: r.seq, kind: r.kind, payload: r.payload, payloadHash: r.payload_hash, prevHash: r.prev_hash, hash: r.hash, createdAt: r.created_at, actor: r.actor }))),
    );
    const args = ["records", "--server", server.url, "--key-id", server.checkpoints.key.publicKey.keyId, "--rows", rowsFile, "--agent-key", summary.publicKey];
    const checked = (await python(bin, args)) as { treeSize: number; proofs: number; rows: number; signedBatches: number };
    expect(checked).toEqual({ treeSize: cp!.treeSize, keyId: cp!.keyId, proofs: cp!.treeSize, rows: rows.length, signedBatches: 1 + summary.batches });
    expect(rows.length).toBe(cp!.treeSize);
  });
});
