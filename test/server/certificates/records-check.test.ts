import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SignatureManifest } from "@telecal/protocols";
import { checkCertificateRecordsAt, databaseUrlFor, ephemeralSigningKey, startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("a certificate's raw records against a record log at hand", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "telecal-cert-records-"));
  let server: TelecalServer;
  let manifest: SignatureManifest;
  const url = () => databaseUrlFor({ dataDir });

  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir, records: { checkpointIntervalMs: 0 } });
    const a = await server.store.records.append({ kind: "manual-entry", stream: "job/x", payload: { v: 1 }, actor: "user:t" });
    const b = await server.store.records.append({ kind: "manual-entry", stream: "job/x", payload: { v: 2 }, actor: "user:t" });
    const cp = (await server.checkpoints.checkpoint())!;
    await server.store.records.append({ kind: "manual-entry", stream: "job/x", payload: { v: 3 }, actor: "user:t" });
    manifest = {
      format: "telecal-certificate-signature/v1",
      certificateId: "c0000",
      number: "TC-1",
      file: "dcc",
      sha256: "0".repeat(64),
      length: 1,
      signedRanges: [[0, 1]],
      signer: { id: "u", name: "u", key: ephemeralSigningKey().publicKey },
      checkpoint: { treeSize: cp.treeSize, rootHash: cp.rootHash, keyId: cp.keyId },
      records: [a.hash, b.hash],
      issuedAt: 0,
    };
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("accepts records that are in the log under the checkpoint named; no job named, no results to recompute", async () => {
    await expect(checkCertificateRecordsAt(url(), manifest, "c.xml")).resolves.toBeNull();
  });

  it("rejects a missing record, one after the checkpoint, and a checkpoint the log does not have", async () => {
    const later = (await server.store.records.page(0, 10)).at(-1)!.hash;
    await expect(checkCertificateRecordsAt(url(), { ...manifest, records: ["e".repeat(64)] }, "c.xml")).rejects.toThrow(/TC_ERR_CERT_RECORDS|is not in the log/);
    await expect(checkCertificateRecordsAt(url(), { ...manifest, records: [later] }, "c.xml")).rejects.toThrow(/is not under checkpoint 2/);
    await expect(checkCertificateRecordsAt(url(), { ...manifest, checkpoint: { ...manifest.checkpoint, rootHash: "d".repeat(64) } }, "c.xml")).rejects.toThrow(/has root/);
    await expect(checkCertificateRecordsAt(url(), { ...manifest, checkpoint: { ...manifest.checkpoint, treeSize: 99 } }, "c.xml")).rejects.toThrow(/no checkpoint of size 99/);
  });
});
