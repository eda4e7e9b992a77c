import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHECKPOINT_FILE, getSimDefinition, InstrumentSimulator, serveTcp, type SimServer } from "@telecal/agent";
import { CheckpointResponse } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolAgent } from "../../fakes/auth";
import { runTelecalToEnd } from "../../fakes/cli";
import { rewriteReading, signCheckpointNow } from "../../fakes/rewrite-history";
import { type AgentSide, dmmAgentConfig, dmmStreams, RIG_AGENT_ID, type RecordedAgent, startRecordedAgent, until } from "../../fakes/uplink-rig";

const saved = (file: string) => CheckpointResponse.parse(JSON.parse(readFileSync(file, "utf8")));

describe("the agent keeps the latest checkpoint covering its batches (real server on SQLite, real uplink)", () => {
  let dir: string;
  let server: TelecalServer;
  let dmm: SimServer;
  let recorded: RecordedAgent;
  let file: string;
  const verifyFrom = () => runTelecalToEnd(["verify", "--data-dir", join(dir, "server"), "--from", file]);
  /** Acked readings of dmm1.dcv, as the agent counts them. */
  const acked = () => recorded.acked.get("dmm1.dcv") ?? -1;
  const keptSize = () => (existsSync(file) ? saved(file).checkpoint.treeSize : 0);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "telecal-agent-checkpoint-"));
    // Checkpoints on demand only: the test says when the log is signed.
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir: join(dir, "server"), records: { checkpointIntervalMs: 0 } });
    const { auth: credential, deviceKey } = await enrolAgent(server, RIG_AGENT_ID);
    dmm = await serveTcp(new InstrumentSimulator(getSimDefinition("keysight-34465a")), "127.0.0.1", 0);
    // The interval as a lab sets it, in the agent's config: the shortest allowed.
    const agentConfig = (extra: Record<string, unknown> = {}) => dmmAgentConfig(server.url, [dmm], 100, { checkpointIntervalSeconds: 1, ...extra });
    const side: AgentSide = { agentConfig, credential, deviceKey, streams: dmmStreams(1) };
    recorded = startRecordedAgent(side, join(dir, "agent"), { flushIntervalMs: 50 });
    file = join(dir, "agent", CHECKPOINT_FILE);
  });
  afterAll(async () => {
    await recorded?.agent.stop();
    await dmm?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps nothing while no checkpoint covers its batches, then the checkpoint, which verify --from accepts", async () => {
    await until("5 readings acknowledged", () => acked() >= 4, 15_000, acked);
    const keeper = recorded.agent.uplink.checkpoints!;
    // No checkpoint yet: a clear answer, nothing kept, nothing refused.
    expect(await keeper.refresh()).toBe("not-yet");
    expect(existsSync(file)).toBe(false);

    const cp = await server.checkpoints.checkpoint();
    expect(cp).not.toBeNull();
    await until("the agent's checkpoint file", () => keptSize() >= cp!.treeSize, 15_000, keptSize);
    expect(saved(file).publicKey.keyId).toBe(server.checkpoints.key.publicKey.keyId);
    // Written by rename: no temporary file is left beside it.
    expect(existsSync(`${file}.new`)).toBe(false);

    const res = await verifyFrom();
    expect(res.stdout).toContain(`checkpoint ${file} (tree size ${keptSize()}`);
    expect(res.stdout).toContain(": OK: signed by key");
    expect(res.status).toBe(0);
  });

  it("replaces it with a later consistent one, and refuses one after a rewrite, which verify --from then names", async () => {
    const before = keptSize();
    const seen = acked();
    await until("more readings acknowledged", () => acked() > seen + 2, 15_000, acked);
    const next = await server.checkpoints.checkpoint();
    expect(next!.treeSize).toBeGreaterThan(before);
    await until("the later checkpoint kept", () => keptSize() === next!.treeSize, 15_000, keptSize);
    const kept = saved(file);

    // A forger with the lab's key and database changes reading 2 and re-signs every checkpoint.
    await rewriteReading(server.store.db, server.checkpoints.key, { agentId: RIG_AGENT_ID, streamId: "dmm1.dcv", seq: 2, value: 10.5 });
    const seenAfter = acked();
    await until("readings acknowledged after the rewrite", () => acked() > seenAfter + 2, 15_000, acked);
    // The forger's next checkpoint, over the records as they are now, signed with the lab's key.
    const forged = await signCheckpointNow(server.store.db, server.checkpoints.key, Date.now());
    expect(forged).toBeGreaterThan(kept.checkpoint.treeSize);
    const keeper = recorded.agent.uplink.checkpoints!;
    await until("the agent refusing the rewritten log", () => keeper.lastRejection !== null, 15_000, () => keeper.lastRejection);
    expect(keeper.lastRejection).toBe(`not consistent with the kept checkpoint (tree size ${kept.checkpoint.treeSize}, root ${kept.checkpoint.rootHash})`);
    // The evidence stays as it was.
    expect(saved(file)).toEqual(kept);

    const res = await verifyFrom();
    expect(res.stdout).toMatch(
      new RegExp(`checkpoint ${file} \\(tree size ${kept.checkpoint.treeSize}, made [^)]+\\): FAILED: its root ${kept.checkpoint.rootHash.slice(0, 16)}\\.\\.\\. is not the root of records`),
    );
    // Exit 1, not 3: the log's own check comes first and also fails, on the agent's signature of the batch.
    expect(res.stdout).toContain("the agent's signature does not verify");
    expect(res.status).toBe(1);
  });
});
