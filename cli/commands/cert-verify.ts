import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ErrorBody, parseJson, PinnedKeysFile, type SignatureManifest, TelecalError, VerifyCertificateResponse } from "@telecal/protocols";
import type { CliIo } from "../run-cli";
import { checkAgainstIssuerAt, DATABASE_FILE, databaseUrlFor, type IssuerVerdict, proveSignerKey, readPublicKey, type TrustedKey, type VerifiedFile } from "@telecal/server";

/** Exit codes of `telecal cert verify` (docs/security.md, Verdicts). */
export const EXIT = { genuine: 0, rejected: 1, replacedOrRevoked: 3, unproven: 4 } as const;

export interface VerifyOptions {
  server?: string;
  keys?: string;
  dataDir?: string;
  database?: string;
}

/** Keys to pin: the server's /.well-known/telecal-keys.json or GET /api/certificates/keys saved as JSON, or one PEM public key. */
export function readKeys(path: string): TrustedKey[] {
  const text = readFileSync(path, "utf8");
  if (text.includes("-----BEGIN")) return [{ key: readPublicKey(path) }];
  const file = parseJson(PinnedKeysFile, text, `keys file ${path}`);
  const list = "signers" in file ? file.signers : file.keys;
  return list.map((k) => ({ key: k.key, userId: k.userId, revokedAt: k.revokedAt ?? null }));
}

const lines = (io: CliIo) => (line: string) => io.stdout(`${line}\n`);
const what = (checked: VerifiedFile) => `${checked.file === "dcc" ? "DCC" : "PDF"} of certificate ${checked.manifest.number} (${checked.manifest.certificateId})`;

function genuine(io: CliIo, file: string, checked: VerifiedFile, by: string, revokedAt: number | null): void {
  const m = checked.manifest;
  const out = lines(io);
  out(`telecal cert verify: 真实 GENUINE: ${file}: ${what(checked)}, signed by ${m.signer.name} with key ${m.signer.key.keyId}, proven by ${by}`);
  if (revokedAt !== null) out(`key: revoked at ${new Date(revokedAt).toISOString()}, after this file was signed (${new Date(m.issuedAt).toISOString()}) / 密钥已于签发后撤销`);
}

function resultsLine(m: SignatureManifest, v: IssuerVerdict): string {
  const r = v.results;
  if (v.certificate.kind === "training-certificate") return "results: a 培训证明 (training certificate): nothing to recompute; the course's criteria record is among the raw records";
  if (!r) return "results: issued from given values, not from a job: nothing to recompute";
  return r.asRecorded
    ? `results: all ${r.points} rows are those recorded at job ${r.job}'s end from its ${r.records} raw records; this version of telecal computes them otherwise`
    : `results: recomputed from job ${r.job}'s ${r.records} raw records (procedure, run, the agent's reading batches): all ${r.points} rows the same (${m.records.length} raw records under checkpoint ${m.checkpoint.treeSize})`;
}

function status(io: CliIo, c: IssuerVerdict["certificate"]): void {
  const out = lines(io);
  out(`status: ${c.status}${c.replacedBy ? `, replaced by ${c.replacedBy}` : ""}${c.revoked ? `, revoked: ${c.revoked.reason}` : ""}`);
  if (c.status !== "valid") io.exitCode = EXIT.replacedOrRevoked;
}

/** --data-dir / --database: the issuer's store at hand proves (or refuses) the key, the file, the records. */
export async function verifyAtStore(io: CliIo, file: string, checked: VerifiedFile, opts: VerifyOptions): Promise<void> {
  const out = lines(io);
  if (opts.dataDir && !opts.database && !existsSync(join(opts.dataDir, DATABASE_FILE))) {
    throw new TelecalError("TC_ERR_CERT_RECORDS", { file, reason: `no ${DATABASE_FILE} in ${opts.dataDir}: no registered keys nor record log to check against` });
  }
  const verdict = await checkAgainstIssuerAt(databaseUrlFor({ dataDir: opts.dataDir, databaseUrl: opts.database }), checked, file);
  genuine(io, file, checked, `the registered keys of ${opts.database ? "the database" : opts.dataDir}`, verdict.key.revokedAt);
  out(`raw records: all ${checked.manifest.records.length} in the record log under checkpoint ${checked.manifest.checkpoint.treeSize}`);
  out(resultsLine(checked.manifest, verdict));
  status(io, verdict.certificate);
}

/** --server: the issuing server checks the very bytes; its answer is the verdict. */
export async function verifyAtServer(io: CliIo, server: string, file: string, checked: VerifiedFile, bytes: Buffer): Promise<ErrorBody | undefined> {
  const out = lines(io);
  const type = checked.file === "pdf" ? "application/pdf" : "application/xml";
  const res = await fetch(`${server.replace(/\/+$/, "")}/api/certificates/verify`, { method: "POST", headers: { "content-type": type }, body: bytes, signal: AbortSignal.timeout(30_000) });
  const body: unknown = await res.json();
  if (!res.ok) return ErrorBody.parse(body);
  const v = VerifyCertificateResponse.parse(body);
  genuine(io, file, checked, `the issuing server ${server}`, v.key.revokedAt);
  if (v.results) out(`results: the server recomputed them from job ${v.results.job}'s ${v.results.records} raw records: all ${v.results.points} rows the same`);
  status(io, v.certificate);
  return undefined;
}

/** --keys: pinned keys prove the key (and refuse a revoked one's later signatures); nothing says the status. */
export function verifyPinned(io: CliIo, file: string, checked: VerifiedFile, keysFile: string): void {
  const out = lines(io);
  const proven = proveSignerKey(checked.manifest, readKeys(keysFile), "pinned", file);
  genuine(io, file, checked, `the keys pinned in ${keysFile}`, proven.revokedAt);
  out("status: not known offline; --server URL tells whether it was amended or revoked");
}

/** No key proven: the signature verifies, but anyone can sign with a key of their own. Never "OK". */
export function unproven(io: CliIo, file: string, checked: VerifiedFile): void {
  const m = checked.manifest;
  const out = lines(io);
  out(
    `telecal cert verify: 签名有效但密钥未经证实，不能认定为真 UNPROVEN: ${file}: ${what(checked)} carries a valid signature by key ${m.signer.key.keyId}, ` +
      `but nothing here proves it is ${m.signer.name}'s registered key: anyone can sign with a key of their own`,
  );
  out("to prove it: --keys FILE (the issuer's /.well-known/telecal-keys.json), --server URL (the issuing server), or --data-dir DIR / --database URL (the issuer's store)");
  io.exitCode = EXIT.unproven;
}
