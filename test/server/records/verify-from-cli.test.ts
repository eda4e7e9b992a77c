import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointResponse } from "@telecal/protocols";
import { ephemeralSigningKey, signCheckpoint, startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, CLI_START_MS } from "../../fakes/cli";
import { rewriteReading } from "../../fakes/rewrite-history";
import { batch, hello } from "../store/store-suite";

const verify = (...args: string[]) => spawnSync(process.execPath, [BIN, "verify", ...args], { encoding: "utf8", timeout: CLI_START_MS });

describe("telecal verify --from CHECKPOINT_FILE", () => {
  let dataDir: string;
  let server: TelecalServer;
  let saved: string;
  let savedCp: CheckpointResponse;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "telecal-verify-from-"));
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir, records: { checkpointIntervalMs: 0 } });
    await server.store.announce(hello("lab-a"));
    await server.store.readings.storeBatch("lab-a", batch(0, 5));
    await server.checkpoints.checkpoint();
    // What a customer or an auditor keeps: the checkpoint as the server published it.
    savedCp = CheckpointResponse.parse(await (await fetch(`${server.url}/api/records/checkpoint`)).json());
    saved = join(dataDir, "..", `${dataDir.split("/").at(-1)}-checkpoint.json`);
    writeFileSync(saved, JSON.stringify(savedCp));
    await server.store.readings.storeBatch("lab-a", batch(5, 5));
    await server.checkpoints.checkpoint();
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(saved, { force: true });
  });

  it("holds for a checkpoint the log still bears out, and refuses one signed by another key (exit 3)", () => {
    const ok = verify("--data-dir", dataDir, "--from", saved);
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toContain(`checkpoint ${saved} (tree size 1, made ${new Date(savedCp.checkpoint.time).toISOString()}): OK`);
    expect(ok.status).toBe(0);

    const forged = join(dataDir, "forged.json");
    const other = ephemeralSigningKey();
    writeFileSync(forged, JSON.stringify(signCheckpoint({ ...savedCp.checkpoint, keyId: other.publicKey.keyId }, other)));
    const res = verify("--data-dir", dataDir, "--from", forged);
    expect(res.stdout).toContain(`checkpoint ${forged} (tree size 1, made`);
    expect(res.stdout).toContain(`FAILED: signed with key ${other.publicKey.keyId}, which is not a key of this log`);
    expect(res.status).toBe(3);
  });

  it("names the saved checkpoint once the history under it was rewritten with the lab's own key (exit 3)", async () => {
    await rewriteReading(server.store.db, server.checkpoints.key, { agentId: "lab-a", streamId: "dmm1.dcv", seq: 2, value: 10.5 });
    const res = verify("--data-dir", dataDir, "--from", saved);
    // The log alone verifies: chain and checkpoints were recomputed and re-signed.
    expect(res.stdout).toContain("telecal verify: OK: 2 records");
    expect(res.stdout).toMatch(new RegExp(`checkpoint ${saved} \\(tree size 1, made [^)]+\\): FAILED: its root ${savedCp.checkpoint.rootHash.slice(0, 16)}\\.\\.\\. is not the root of records 1\\.\\.1`));
    expect(res.status).toBe(3);
  });
});
