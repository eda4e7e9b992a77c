import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLOCK_INSTRUMENT, PROTOCOL_VERSION, type AgentHello } from "@telecal/protocols";
import { DATABASE_FILE, startServer } from "@telecal/server";
import type { Socket } from "socket.io-client";
import { afterAll, describe, expect, it } from "vitest";
import { emitAck } from "../fakes/acks";
import { connectAgentSocket, dmmBatch } from "../fakes/agent-socket";
import { enrolAgent, type EnrolledAgent, seedUsers, signBatch, TEST_PASSWORD } from "../fakes/auth";
import { BIN, CLI_START_MS } from "../fakes/cli";

const hello: AgentHello = {
  protocol: PROTOCOL_VERSION,
  agentId: "lab-f",
  name: "Lab F",
  software: "test",
  instruments: [
    { id: "dmm1", driver: "keysight-34465a", role: "uut", maker: "Keysight Technologies", model: "34465A", serial: "MY1", firmware: "1", streams: [{ id: "dmm1.dcv", quantity: "voltage", unit: "V" }] },
    CLOCK_INSTRUMENT,
  ],
};

/** `telecal server` on `dataDir` under a file-size limit of `kib` KiB: past it, every write of SQLite fails as on a full disk. */
async function serverWithFileLimit(dataDir: string, kib: number): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const command = `trap "" XFSZ; ulimit -f ${kib}; exec "${process.execPath}" "${BIN}" server --host 127.0.0.1 --port 0 --data-dir "${dataDir}"`;
  const child = spawn("bash", ["-c", command], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`telecal server under ulimit -f ${kib}: no "telecal server at" within ${CLI_START_MS} ms; stderr: ${err}`)), CLI_START_MS);
    child.stdout.on("data", () => {
      const m = /telecal server at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`telecal server exited with ${code}: ${err}`));
    });
  });
  return { child, url, stderr: () => err };
}

/**
 * Issue 22, finding 7c: a data dir that can take no more writes (read-only, a full disk) was logged
 * as "cannot rollback - no transaction is active": SQLite had rolled the transaction back itself,
 * and the failed ROLLBACK replaced the cause. Now the store's own error is answered as
 * TC_ERR_STORE_FAILED, on the socket and over REST, and logged.
 */
describe("issue 22 finding 7c, a data dir that takes no more writes", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "telecal-full-"));
  let child: ChildProcess | undefined;
  let socket: Socket | undefined;
  afterAll(async () => {
    socket?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers TC_ERR_STORE_FAILED and logs SQLite's own error, not a failed rollback", async () => {
    let agent: EnrolledAgent;
    const setup = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir });
    try {
      await seedUsers(setup);
      agent = await enrolAgent(setup, "lab-f", "org-f");
    } finally {
      await setup.close();
    }
    // bin/telecal.js rebuilds a stale CLI bundle first: not under the limit, which the build would hit.
    expect(spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8", timeout: CLI_START_MS }).status).toBe(0);
    // The database as it is, and room for a few batches in its write-ahead log, no more.
    const limit = Math.ceil(statSync(join(dataDir, DATABASE_FILE)).size / 1024) + 256;
    const server = await serverWithFileLimit(dataDir, limit);
    child = server.child;
    const signIn = await fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: TEST_PASSWORD }) });
    expect(signIn.status).toBe(200);
    const { token } = (await signIn.json()) as { token: string };

    socket = await connectAgentSocket(server.url, agent.auth);
    expect(await emitAck(socket, 10_000, "hello", hello)).toMatchObject({ ok: true });
    let refused: { ok: boolean; error?: { code: string } } | undefined;
    for (let seq = 0; seq < 200 * 400 && !refused; seq += 400) {
      const ack = await emitAck<{ ok: boolean; error?: { code: string } }>(socket, 20_000, "readings", signBatch(dmmBatch(seq, 400), agent.deviceKey));
      if (!ack.ok) refused = ack;
    }
    expect(refused?.error).toMatchObject({ code: "TC_ERR_STORE_FAILED" });

    // A route with no handling of its own for a store failure: the error handler names it.
    // Smaller writes may still fit in what is left: labs are added until one does not.
    let lab: { status: number; code?: string } = { status: 0 };
    for (let i = 0; i < 500 && lab.status !== 503; i++) {
      const res = await fetch(`${server.url}/api/labs`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ name: `Lab ${i} on a full disk` }) });
      lab = { status: res.status, ...((await res.json()) as { code?: string }) };
      expect([201, 503]).toContain(lab.status);
    }
    expect(lab).toMatchObject({ status: 503, code: "TC_ERR_STORE_FAILED" });

    // The log says why: SQLite's error (the write past the limit), never the failed rollback.
    const SQLITE_CAUSE = /SQLITE_FULL|SQLITE_IOERR|disk I\/O error|database or disk is full/;
    const lines = () => server.stderr().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    await expect.poll(() => lines().find((l) => l["msg"] === "reading batch refused")?.["cause"], { timeout: 10_000 }).toMatch(SQLITE_CAUSE);
    await expect.poll(() => lines().find((l) => String(l["msg"]).startsWith("the store could not take POST /api/labs"))?.["code"], { timeout: 10_000 }).toMatch(/^SQLITE_(FULL|IOERR)/);
    expect(server.stderr()).not.toContain("cannot rollback");
  });
});
