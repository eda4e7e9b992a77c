import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getSimDefinition, InstrumentSimulator, serveTcp, type SimServer } from "@telecal/agent";
import type { HistoryPoint } from "@telecal/protocols";
import { databaseUrlFor, Store } from "@telecal/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIN, type Running, runTelecal } from "../../fakes/cli";
import {
  type AgentSide,
  dmmAgentConfig,
  dmmStreams,
  duplicateTimes,
  RIG_AGENT_ID,
  type RecordedAgent,
  sleep,
  startRecordedAgent,
  until,
} from "../../fakes/uplink-rig";

const CHANNELS = 8;
const READY = /telecal server at /;

/** A port nobody listens on now, so that the restarted server can come back on the same one. */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const port = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  return port;
}

/** Enrols the rig agent in the data dir's own database before any server runs on it. */
async function enrolInDataDir(dataDir: string): Promise<Pick<AgentSide, "credential" | "deviceKey">> {
  const store = await Store.open(databaseUrlFor({ dataDir }));
  try {
    await store.auth.createOrganisation("org-a", "甲县计量站 County A", "county-station");
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const credential = await store.auth.issueAgentCredential(RIG_AGENT_ID, RIG_AGENT_ID, "org-a", pem);
    return { credential: { agentId: RIG_AGENT_ID, credential }, deviceKey: privateKey };
  } finally {
    await store.close();
  }
}

/** What the data dir holds for each stream, read after the server has stopped. */
async function storedInDataDir(dataDir: string, streams: string[]): Promise<Map<string, { seqs: number[]; points: HistoryPoint[] }>> {
  const store = await Store.open(databaseUrlFor({ dataDir }));
  try {
    const out = new Map<string, { seqs: number[]; points: HistoryPoint[] }>();
    for (const s of streams) {
      const rows = await store.readings.readings(RIG_AGENT_ID, s, -1, 1_000_000);
      out.set(s, { seqs: rows.map((r) => r.seq), points: rows.map((r) => [r.t, r.value, r.flags]) });
    }
    return out;
  } finally {
    await store.close();
  }
}

describe("server killed with SIGKILL mid-stream and restarted (8 channels at 10 Hz, server as a child process)", () => {
  let dir: string;
  let dmms: SimServer[] = [];
  let server: Running | null = null;
  let recorded: RecordedAgent | null = null;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "telecal-server-kill-"));
    dmms = await Promise.all(
      Array.from({ length: CHANNELS }, () => serveTcp(new InstrumentSimulator(getSimDefinition("keysight-34465a")), "127.0.0.1", 0)),
    );
  });
  afterEach(async () => {
    await recorded?.agent.stop();
    await server?.stop();
    await Promise.all(dmms.map((d) => d.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("loses no acknowledged reading and stores none twice; telecal verify passes afterwards", async () => {
    const dataDir = join(dir, "server-data");
    const identity = await enrolInDataDir(dataDir);
    const port = await freePort();
    const serverArgs = ["server", "--data-dir", dataDir, "--port", String(port), "--host", "127.0.0.1"];
    const streams = dmmStreams(CHANNELS);
    const url = `http://127.0.0.1:${port}`;
    server = await runTelecal(serverArgs, READY);

    const side: AgentSide = { ...identity, streams, agentConfig: (extra = {}) => dmmAgentConfig(url, dmms, 100, extra) };
    const r = startRecordedAgent(side, join(dir, "agent-state"));
    recorded = r;
    const acks = () => Object.fromEntries(r.acked);
    await until("10 acknowledged readings of every stream", () => streams.every((s) => r.acked.get(s)! >= 9), 20_000, acks);

    const killed = server.child;
    const exited = once(killed, "exit");
    killed.kill("SIGKILL");
    const [, signal] = await exited;
    expect(signal).toBe("SIGKILL");
    server = null;
    const ackedAtKill = new Map(r.acked);
    await until("the agent to notice the dead server", () => !r.agent.uplink.connected, 5000);
    // The instruments go on meanwhile: about 15 readings per stream wait in the outbox.
    await sleep(1500);
    expect(r.agent.uplink.pendingCount()).toBeGreaterThan(CHANNELS * 8);

    server = await runTelecal(serverArgs, READY);
    await until("the agent to reconnect to the restarted server", () => r.agent.uplink.connected, 10_000);
    await sleep(500);
    await r.stopSampling();
    await until(
      "every produced reading acknowledged",
      () => streams.every((s) => r.acked.get(s)! >= r.produced.get(s)!.length - 1),
      20_000,
      acks,
    );
    await until("the outbox to be empty", () => r.agent.uplink.pendingCount() === 0, 5000);
    await r.agent.stop();
    recorded = null;
    await server.stop();
    server = null;

    const stored = await storedInDataDir(dataDir, streams);
    for (const s of streams) {
      const { seqs, points } = stored.get(s)!;
      const produced = r.produced.get(s)!;
      // Every reading acknowledged before the kill survived it.
      expect(seqs.length, `stored readings of ${s}`).toBeGreaterThan(ackedAtKill.get(s)!);
      expect(duplicateTimes(points), `duplicates on ${s}`).toEqual([]);
      // Seq i holds the agent's i-th reading: nothing lost, nothing twice, nothing out of order.
      expect(seqs, `seqs of ${s}`).toEqual(produced.map((_, i) => i));
      expect(points, `readings of ${s}`).toEqual(produced);
    }

    const verify = spawnSync(process.execPath, [BIN, "verify", "--data-dir", dataDir], { encoding: "utf8", timeout: 60_000 });
    expect(verify.status, `telecal verify: ${verify.stdout}${verify.stderr}`).toBe(0);
  });
});
