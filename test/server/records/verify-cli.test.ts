import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTelecalError } from "@telecal/protocols";
import { DATABASE_FILE, loadOrCreateSigningKey, RECORDS_KEY_FILE, startServer } from "@telecal/server";
import { Database } from "@telecal/server/store/sqlite-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, CLI_START_MS } from "../../fakes/cli";
import { batch, hello } from "../store/store-suite";

const verify = (dataDir: string) => spawnSync(process.execPath, [BIN, "verify", "--data-dir", dataDir], { encoding: "utf8", timeout: CLI_START_MS });

describe("telecal verify on a data dir", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "telecal-verify-"));
    const server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir });
    await server.store.announce(hello("lab-a"));
    await server.store.readings.storeBatch("lab-a", batch(0, 5));
    await server.store.readings.storeBatch("lab-a", batch(5, 5));
    // Closing signs a checkpoint over the last records.
    await server.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("keeps the server's key in the data dir with mode 0600, and uses it again after a restart", async () => {
    const file = join(dataDir, RECORDS_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const keyId = loadOrCreateSigningKey(file).publicKey.keyId;
    const server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir });
    try {
      expect(server.checkpoints.key.publicKey.keyId).toBe(keyId);
    } finally {
      await server.close();
    }
  });

  it("refuses a key file that holds no Ed25519 key (TC_ERR_RECORDS_KEY)", () => {
    const bad = join(dataDir, "bad-key.pem");
    writeFileSync(bad, "not a key");
    let err: unknown;
    try {
      loadOrCreateSigningKey(bad);
    } catch (e) {
      err = e;
    }
    expect(isTelecalError(err, "TC_ERR_RECORDS_KEY")).toBe(true);
  });

  it("exits 0 with a summary on an untouched data dir, and 1 naming the record once a reading is changed", () => {
    const clean = verify(dataDir);
    expect(clean.stderr).toBe("");
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain("telecal verify: OK: 2 records in 1 streams, 1 checkpoints, 10 readings");

    const db = new Database(join(dataDir, DATABASE_FILE));
    db.prepare("update readings set value = 42 where agent_id = 'lab-a' and stream_id = 'dmm1.dcv' and seq = 7").run();
    db.close();
    const tampered = verify(dataDir);
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toContain("telecal verify: FAILED");
    expect(tampered.stdout).toContain("first bad record: id 2, kind reading-batch, stream lab-a/dmm1.dcv, seq 1: reading seq 7: value is 42");
  });

  it("exits 2 when the data dir holds no database", () => {
    const empty = mkdtempSync(join(tmpdir(), "telecal-verify-empty-"));
    try {
      const res = verify(empty);
      expect(res.status).toBe(2);
      expect(res.stderr).toContain(`no ${DATABASE_FILE} in`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
