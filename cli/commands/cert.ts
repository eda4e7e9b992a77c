import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { ErrorBody, isTelecalError, type SignerKey, TelecalError, VerifyCertificateResponse } from "@telecal/protocols";
import { checkCertificateRecordsAt, DATABASE_FILE, databaseUrlFor, readPublicKey, verifyCertificateFile } from "@telecal/server";
import type { Command } from "commander";

interface VerifyOptions {
  server?: string;
  keys?: string;
  dataDir?: string;
  database?: string;
}

/** Keys to pin: a server's GET /api/certificates/keys answer saved as JSON, or one PEM public key. */
function readKeys(path: string): SignerKey[] {
  const text = readFileSync(path, "utf8");
  if (text.includes("-----BEGIN")) return [readPublicKey(path)];
  const json = JSON.parse(text) as { keys?: { key: SignerKey }[] };
  return (json.keys ?? []).map((k) => k.key);
}

function reject(file: string, code: string, message: string): void {
  process.stderr.write(`telecal cert verify: REJECTED: ${file}: ${code}: ${message}\n`);
  process.exitCode = 1;
}

async function verifyAt(server: string, file: string, bytes: Buffer): Promise<void> {
  const type = bytes.subarray(0, 5).toString("latin1") === "%PDF-" ? "application/pdf" : "application/xml";
  const res = await fetch(`${server.replace(/\/+$/, "")}/api/certificates/verify`, { method: "POST", headers: { "content-type": type }, body: bytes, signal: AbortSignal.timeout(30_000) });
  const body: unknown = await res.json();
  if (!res.ok) {
    const e = ErrorBody.parse(body);
    return reject(file, e.code, e.message);
  }
  const { certificate: c, file: kind, results } = VerifyCertificateResponse.parse(body);
  process.stdout.write(`telecal cert verify: OK: ${file}: the ${kind === "dcc" ? "DCC" : "PDF"} issued as certificate ${c.number} (${c.id}) by ${server}\n`);
  if (results) process.stdout.write(`results: the server recomputed them from job ${results.job}'s ${results.records} raw records: all ${results.points} rows the same\n`);
  process.stdout.write(`status: ${c.status}${c.replacedBy ? `, replaced by ${c.replacedBy}` : ""}${c.revoked ? `, revoked: ${c.revoked.reason}` : ""}\n`);
  if (c.status !== "valid") process.exitCode = 3;
}

export function certCommand(program: Command): void {
  const cert = program.command("cert").description("certificates: verify a PDF or DCC / 证书核验");
  cert
    .command("verify <file>")
    .description("check a certificate PDF or DCC XML: structure, appended data, digest, approver's signature; exit 1 with the reason if rejected")
    .option("--server <url>", "also ask the issuing server: known id, registered approver key, status (valid, amended, revoked)")
    .option("--keys <file>", "pin the approvers' keys: the JSON of GET /api/certificates/keys, or a PEM public key")
    .option("--data-dir <dir>", "check the raw records it names against the record log of this data dir's telecal.db")
    .option("--database <url>", "the same against postgres://...")
    .action(async (path: string, opts: VerifyOptions) => {
      const file = basename(path);
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (err) {
        return reject(file, "TC_ERR_CERT_FORMAT", `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
      }
      try {
        const trustedKeys = opts.keys ? readKeys(opts.keys) : undefined;
        const checked = verifyCertificateFile(bytes, file, { trustedKeys });
        const m = checked.manifest;
        process.stdout.write(
          `telecal cert verify: signature OK: ${file}: ${checked.file === "dcc" ? "DCC" : "PDF"} of certificate ${m.number} (${m.certificateId}), signed by ${m.signer.name} with key ${m.signer.key.keyId}; ` +
            `${m.records.length} raw records at record log checkpoint ${m.checkpoint.treeSize} (root ${m.checkpoint.rootHash.slice(0, 16)}…)\n`,
        );
        if (opts.dataDir && !opts.database && !existsSync(join(opts.dataDir, DATABASE_FILE))) {
          return reject(file, "TC_ERR_CERT_RECORDS", `no ${DATABASE_FILE} in ${opts.dataDir}: no record log to check the raw records against`);
        }
        if (opts.dataDir || opts.database) {
          const results = await checkCertificateRecordsAt(databaseUrlFor({ dataDir: opts.dataDir, databaseUrl: opts.database }), m, file);
          process.stdout.write(`raw records: all ${m.records.length} in the record log under checkpoint ${m.checkpoint.treeSize}\n`);
          process.stdout.write(
            results
              ? results.asRecorded
                ? `results: all ${results.points} rows are those recorded at job ${results.job}'s end from its ${results.records} raw records; this version of telecal computes them otherwise\n`
                : `results: recomputed from job ${results.job}'s ${results.records} raw records (procedure, run, the agent's reading batches): all ${results.points} rows the same\n`
              : "results: issued from given values, not from a job: nothing to recompute\n",
          );
        }
        if (opts.server) return await verifyAt(opts.server, file, bytes);
        if (!trustedKeys) process.stdout.write("key: not pinned; give --keys or --server to check that it is the approver's registered key\n");
      } catch (err) {
        if (isTelecalError(err)) return reject(file, err.code, err.message);
        const e = new TelecalError("TC_ERR_CERT_FORMAT", { file, reason: err instanceof Error ? err.message : String(err) });
        return reject(file, e.code, e.message);
      }
    });
}
