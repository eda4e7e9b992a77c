import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WitnessCheckpointsResponse } from "@telecal/protocols";
import { loadOrCreateSigningKey, RECORDS_KEY_FILE, startServer, type TelecalServer, WITNESS_KEY_FILE } from "@telecal/server";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Running, runTelecal } from "../fakes/cli";
import { batch, hello } from "../server/store/store-suite";

/** Asks `probe` every 100 ms until it gives a value, at most `ms`; the timeout names what was awaited. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("telecal server --records-key FILE --witness-of URL (a real process)", () => {
  let root: string;
  let lab: TelecalServer;
  let witness: Running;
  let witnessUrl: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "telecal-keys-"));
    lab = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir: join(root, "lab"), records: { checkpointIntervalMs: 0 } });
    await lab.store.announce(hello("lab-a"));
    await lab.store.readings.storeBatch("lab-a", batch(0, 5));
    await lab.checkpoints.checkpoint();
    const args = ["server", "--host", "127.0.0.1", "--port", "0", "--data-dir", join(root, "witness-data"), "--records-key", join(root, "keys", "records.pem")];
    witness = await runTelecal([...args, "--witness-of", lab.url, "--witness-interval", "0.2"], /telecal server at (\S+)/);
    witnessUrl = /telecal server at (\S+)/.exec(witness.stdout())![1]!;
  });
  afterAll(async () => {
    await witness?.stop();
    await lab?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("creates the records key at the path given, outside the data dir, mode 0600 in a folder of mode 0700", () => {
    const file = join(root, "keys", "records.pem");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, "keys")).mode & 0o777).toBe(0o700);
    expect(existsSync(join(root, "witness-data", RECORDS_KEY_FILE))).toBe(false);
    expect(statSync(join(root, "witness-data", WITNESS_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it("countersigns the lab's checkpoints at its interval, with the witness key of its data dir", async () => {
    const logKeyId = lab.checkpoints.key.publicKey.keyId;
    const body = await waitFor("countersigned checkpoint of tree size 1", async () => {
      const res = await fetch(`${witnessUrl}/api/witness/checkpoints?log=${logKeyId}`);
      return res.status === 200 ? WitnessCheckpointsResponse.parse(await res.json()) : undefined;
    });
    expect(body.checkpoints.map((w) => w.checkpoint.treeSize)).toEqual([1]);
    expect(body.witnessKey.keyId).toBe(loadOrCreateSigningKey(join(root, "witness-data", WITNESS_KEY_FILE)).publicKey.keyId);
    // The lab's key stays where the lab keeps it: the witness got only its public half.
    expect(statSync(join(root, "lab", RECORDS_KEY_FILE)).mode & 0o777).toBe(0o600);
  });
});

describe("a records key file others may read", () => {
  it("is warned about at start, naming the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "telecal-open-key-"));
    try {
      const file = join(dir, "records.pem");
      loadOrCreateSigningKey(file);
      chmodSync(file, 0o644);
      const warnings: { msg: string; keyPath: string }[] = [];
      const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line) as { msg: string; keyPath: string }) });
      const server = await startServer({ host: "127.0.0.1", port: 0, logger, webRoot: null, records: { keyPath: file } });
      await server.close();
      expect(warnings.filter((w) => w.keyPath === file).map((w) => w.msg)).toEqual(["record log signing key is readable by others than its owner: chmod 600 it"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
