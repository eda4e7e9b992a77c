import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import type { SignatureManifest } from "@telecal/protocols";
import { chainHash, DATABASE_FILE, ephemeralSigningKey, issueFiles, loadOrCreateSigningKey, startServer, type TelecalServer, verifyCertificateFile } from "@telecal/server";
import type BetterSqlite3 from "better-sqlite3";
import { Database } from "@telecal/server/store/sqlite-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/run-cli";
import { BIN } from "../fakes/cli";
import { certificateDataFor, PEOPLE } from "../server/certificates/fixtures";
import { pdfText, xmllintErrors } from "../server/certificates/tools";
import { calibrateResultsSuite } from "./calibrate-results";
import { DEMO_DIR, type Demo, demo, startDemos } from "./demo-runs";

const run = promisify(execFile);
const dir = DEMO_DIR;

/** `telecal cert verify ARGS` in this process, as `bin/telecal.js` runs it: its exit code and output, never a throw. */
async function certVerify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(["cert", "verify", ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** The same, spawned as a user runs it: kept for one run, to show the process's exit code is the verdict's. */
async function certVerifySpawned(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, "cert", "verify", ...args], { timeout: 180_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function write(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** A copy of a demo's data dir in which `edit` changed the record log, as a forger with the database file would. */
function tamperedCopy(dataDir: string, name: string, edit: (db: BetterSqlite3.Database) => void): string {
  const copy = join(dir, name);
  cpSync(dataDir, copy, { recursive: true });
  const db = new Database(join(copy, DATABASE_FILE));
  try {
    edit(db);
  } finally {
    db.close();
  }
  return copy;
}

interface RecordRow {
  id: number;
  stream: string;
  seq: number;
  kind: string;
  payload: string;
  prev_hash: string;
}

/** The first read step of the job's run in the log, and the reading-batch record holding its first reading. */
function firstReading(db: BetterSqlite3.Database): { event: RecordRow; batch: RecordRow; t: number } {
  const events = db.prepare("SELECT id, stream, seq, kind, payload, prev_hash FROM records WHERE stream LIKE 'job/%' ORDER BY id").all() as RecordRow[];
  const event = events.find((r) => (JSON.parse(r.payload) as { run?: { from?: unknown } }).run?.from !== undefined)!;
  const from = (JSON.parse(event.payload) as { run: { from: { stream: string; t: number[] } } }).run.from;
  const batches = db.prepare("SELECT id, stream, seq, kind, payload, prev_hash FROM records WHERE kind = 'reading-batch' AND stream LIKE ? ORDER BY id").all(`%/${from.stream}`) as RecordRow[];
  const batch = batches.find((b) => (JSON.parse(b.payload) as { t: number[] }).t.includes(from.t[0]!))!;
  return { event, batch, t: from.t[0]! };
}

const HEADINGS = { "dmm-dcv-jjf1587": "校准证书", "thermometer-bath": "校准证书", "balance-jjg1036": /检定证书|检定结果通知书/, "pressure-gauge-jjg52": /检定证书|检定结果通知书/ } as const;

beforeAll(startDemos);

// The same runs' results, row by row: one run per procedure serves both.
calibrateResultsSuite();

describe("telecal calibrate --demo --certificate: a signed PDF and DCC for each shipped procedure", () => {
  for (const [id, heading] of Object.entries(HEADINGS)) {
    it(`${id}: the DCC validates, the PDF shows the same values, cert verify accepts both and rejects a changed byte`, async () => {
      const result = await demo(id);
      const { dataDir } = result;
      const [xmlPath, pdfPath, enPath] = result.certificate;
      const xml = readFileSync(xmlPath);
      expect(xmllintErrors(xml)).toBe("");
      const text = pdfText(readFileSync(pdfPath));
      expect(text).toMatch(heading);
      const uncertainties = [...xml.toString("utf8").matchAll(/<si:uncertainty>([^<]+)<\/si:uncertainty>/g)].map((m) => m[1]!);
      expect(uncertainties).toHaveLength(result.points.length);
      for (const p of result.points) expect(text).toContain(p.point);
      // The PDF writes U out to its last digit (0.0000040 for the DCC's 0.000004): the same numbers.
      const written = [...text.matchAll(/(-?[\d.]+(?:e-?\d+)?) \(k=/g)].map((m) => Number(m[1]));
      expect(written).toEqual(uncertainties.map(Number));
      // Offline without keys the signature verifies but nothing proves the key: never "OK".
      for (const path of [xmlPath, pdfPath, enPath]) {
        const alone = await certVerify(path);
        expect(alone.code, alone.stderr).toBe(4);
        expect(alone.stdout).toMatch(/签名有效但密钥未经证实.*UNPROVEN/);
        expect(alone.stdout).not.toMatch(/GENUINE|OK/);
      }
      for (const path of [xmlPath, pdfPath]) {
        const bytes = readFileSync(path);
        const at = Math.floor(bytes.length * 0.4);
        bytes[at] = bytes[at]! ^ 0x01;
        const bad = await certVerify(write(`changed-${id}-${at}`, bytes));
        expect(bad.code).toBe(1);
        expect(bad.stderr).toMatch(/REJECTED: .*TC_ERR_CERT_(DIGEST|SIGNATURE|FORMAT)/);
      }
      // With the record log at hand the results are recomputed from the job's raw records.
      const recomputed = await certVerify(pdfPath, "--data-dir", dataDir);
      expect(recomputed.code, recomputed.stderr).toBe(0);
      expect(recomputed.stdout).toMatch(/真实 GENUINE: .*proven by the registered keys of/);
      expect(recomputed.stdout).toContain(`results: recomputed from job ${result.job}'s ${result.rawRecords} raw records`);
      expect(recomputed.stdout).toContain(`all ${result.points.length} rows the same`);
      if (id !== "balance-jjg1036") return;
      // A raw reading changed in the database: the record no longer gives its hash.
      const edited = tamperedCopy(dataDir, `${id}-edited-reading`, (db) => {
        const { batch, t } = firstReading(db);
        const payload = JSON.parse(batch.payload) as { t: number[]; values: number[] };
        payload.values[payload.t.indexOf(t)]! += 0.001;
        db.prepare("UPDATE records SET payload = ? WHERE id = ?").run(JSON.stringify(payload), batch.id);
      });
      const readingChanged = await certVerify(pdfPath, "--data-dir", edited);
      expect(readingChanged.code).toBe(1);
      expect(readingChanged.stderr).toMatch(/TC_ERR_CERT_RESULTS: .*was changed after it was logged/);
      // The run's reading and the raw one changed alike, their hashes recomputed: the records the certificate names are gone.
      const forged = tamperedCopy(dataDir, `${id}-forged-run`, (db) => {
        const { event, batch, t } = firstReading(db);
        for (const [row, change] of [
          [event, (p: { run: { values: number[] } }) => (p.run.values[0]! += 0.001)],
          [batch, (p: { t: number[]; values: number[] }) => (p.values[p.t.indexOf(t)]! += 0.001)],
        ] as const) {
          const payload = JSON.parse(row.payload) as never;
          (change as (p: never) => void)(payload);
          const text = JSON.stringify(payload);
          const payloadHash = createHash("sha256").update(text).digest("hex");
          const hash = chainHash({ stream: row.stream, seq: row.seq, kind: row.kind, payloadHash, prevHash: row.prev_hash });
          db.prepare("UPDATE records SET payload = ?, payload_hash = ?, hash = ? WHERE id = ?").run(text, payloadHash, hash, row.id);
        }
      });
      const runForged = await certVerify(pdfPath, "--data-dir", forged);
      expect(runForged.code).toBe(1);
      expect(runForged.stderr).toMatch(/TC_ERR_CERT_RECORDS: .*raw record [0-9a-f]{64} is not in the log/);
    }, 900_000);
  }
});

describe("telecal cert verify: each rejection has its code and a non-zero exit", () => {
  let server: TelecalServer;
  let pdf: string;
  let xml: string;
  let data: ReturnType<typeof certificateDataFor>;
  beforeAll(async () => {
    data = certificateDataFor("balance-jjg1036", "cstranger0001");
    const files = await issueFiles(data, { person: PEOPLE.approver, key: ephemeralSigningKey() }, "https://cert.example.org");
    pdf = write("c.pdf", files.pdf.zh);
    xml = write("c.xml", files.dcc);
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null });
  }, 120_000);
  afterAll(async () => server?.close());

  it("appended data, a DTD, a file that is none, a missing file", async () => {
    const cases: [string, Buffer | null, string][] = [
      ["appended.pdf", Buffer.concat([readFileSync(pdf), Buffer.from("\n2 0 obj\n<< >>\nendobj\nxref\n0 1\ntrailer\n<< >>\nstartxref\n0\n%%EOF\n")]), "TC_ERR_CERT_APPENDED"],
      ["dtd.xml", Buffer.from(readFileSync(xml, "utf8").replace("?>\n", '?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n')), "TC_ERR_CERT_DOCTYPE"],
      ["none.xml", Buffer.from("<x/>"), "TC_ERR_CERT_FORMAT"],
      ["missing.pdf", null, "TC_ERR_CERT_FORMAT"],
    ];
    for (const [name, bytes, code] of cases) {
      // The missing file is asked of a spawned `telecal`: the process's exit code is the verdict's too.
      const r = bytes === null ? await certVerifySpawned(join(dir, "does-not-exist.pdf")) : await certVerify(write(name, bytes));
      expect(r.code, name).toBe(1);
      expect(r.stderr, name).toContain(code);
    }
  }, 600_000);

  it("a key that is not pinned, and a certificate the server never issued", async () => {
    const keysFile = write("keys.json", Buffer.from(JSON.stringify({ keys: [{ userId: "someone", key: ephemeralSigningKey().publicKey }] })));
    const pinned = await certVerify(xml, "--keys", keysFile);
    expect(pinned.code).toBe(1);
    expect(pinned.stderr).toContain("TC_ERR_CERT_UNTRUSTED_KEY");
    const unknown = await certVerify(pdf, "--server", server.url);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("TC_ERR_CERT_NOT_FOUND");
  }, 600_000);
});

describe("telecal cert verify: forgeries, in every mode (offline: unproven; --data-dir, --keys, --server: rejected)", () => {
  let lab: Demo;
  let labDir: string;
  let server: TelecalServer;
  let genuinePdf: string;
  let manifest: SignatureManifest;
  let keysFile: string;
  beforeAll(async () => {
    lab = await demo("balance-jjg1036");
    // A copy of the lab's data dir, served by the lab's server: the forgeries never touch the demo's own.
    labDir = join(dir, "forgery-lab");
    cpSync(lab.dataDir, labDir, { recursive: true });
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir: labDir });
    genuinePdf = lab.certificate[1];
    manifest = verifyCertificateFile(readFileSync(genuinePdf), "genuine.pdf").manifest;
    keysFile = await saveKeys("lab-keys.json");
  }, 900_000);
  afterAll(async () => server?.close());

  /** What a verifier pins: the lab's /.well-known/telecal-keys.json as it is now. */
  async function saveKeys(name: string): Promise<string> {
    const res = await fetch(`${server.url}/.well-known/telecal-keys.json`);
    return write(name, Buffer.from(await res.text()));
  }

  /** The file in each mode: [exit code, the code or verdict expected] per mode. */
  async function expectVerdicts(path: string, rejected: { dataDir: string; keys: string; server: string }, keys = keysFile) {
    const offline = await certVerify(path);
    expect(offline.code, `${path} offline`).toBe(4);
    expect(offline.stdout).toContain("UNPROVEN");
    for (const [mode, args, code] of [
      ["--data-dir", ["--data-dir", labDir], rejected.dataDir],
      ["--keys", ["--keys", keys], rejected.keys],
      ["--server", ["--server", server.url], rejected.server],
    ] as const) {
      const r = await certVerify(path, ...args);
      expect(r.code, `${path} ${mode}: ${r.stdout}`).toBe(1);
      expect(r.stderr, `${path} ${mode}`).toContain(`拒绝 REJECTED: ${basename(path)}: ${code}`);
      expect(r.stdout).not.toContain("GENUINE");
    }
  }

  /** The lab's certificate as a forger would make it: the same id, number and approver, other numbers, any key. */
  async function forge(name: string, key: ReturnType<typeof ephemeralSigningKey>, now = Date.now()): Promise<{ pdf: string; xml: string }> {
    const data = { ...certificateDataFor("balance-jjg1036", manifest.certificateId), number: manifest.number, people: { ...PEOPLE, approver: { id: manifest.signer.id, name: manifest.signer.name } } };
    const files = await issueFiles(data, { person: { id: manifest.signer.id, name: manifest.signer.name }, key }, server.url, now);
    return { pdf: write(`${name}.pdf`, files.pdf.zh), xml: write(`${name}.xml`, files.dcc) };
  }

  it("the genuine certificate is GENUINE with --data-dir, --keys and --server", async () => {
    for (const args of [["--data-dir", labDir], ["--keys", keysFile], ["--server", server.url]]) {
      const r = await certVerify(genuinePdf, ...args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^telecal cert verify: 真实 GENUINE: /);
    }
  }, 600_000);

  it("re-signed PDF and DCC with the forger's own key; another job's certificate with the same number", async () => {
    const forged = await forge("resigned", ephemeralSigningKey());
    const own = { dataDir: "TC_ERR_CERT_UNTRUSTED_KEY", keys: "TC_ERR_CERT_UNTRUSTED_KEY", server: "TC_ERR_CERT_UNTRUSTED_KEY" };
    await expectVerdicts(forged.pdf, own);
    await expectVerdicts(forged.xml, own);
    // Another lab's job, numbered TC-2026-000001 too: genuine where it was issued, not here.
    const other = (await demo("dmm-dcv-jjf1587")).certificate[1];
    expect(verifyCertificateFile(readFileSync(other), "other.pdf").manifest.number).toBe(manifest.number);
    await expectVerdicts(other, { dataDir: "TC_ERR_CERT_NOT_FOUND", keys: "TC_ERR_CERT_UNTRUSTED_KEY", server: "TC_ERR_CERT_NOT_FOUND" });
  }, 900_000);

  it("a signer key revoked before signing: the thief's later signature is rejected, the earlier certificate says when", async () => {
    const keyFile = join(labDir, "signers", `${manifest.signer.id.replace(/[^A-Za-z0-9_-]/g, "_")}.pem`);
    const stolen = loadOrCreateSigningKey(keyFile);
    expect(stolen.publicKey.keyId).toBe(manifest.signer.key.keyId);
    const { stdout } = await run(process.execPath, [BIN, "cert", "key", "revoke", stolen.publicKey.keyId, "--reason", "key file copied by a former employee", "--data-dir", labDir], { timeout: 60_000 });
    expect(stdout).toContain(`key ${stolen.publicKey.keyId} of ${manifest.signer.id} revoked at`);
    expect(existsSync(keyFile)).toBe(false);
    const revokedKeys = await saveKeys("keys-revoked.json");
    const forged = await forge("revoked", stolen);
    await expectVerdicts(forged.pdf, { dataDir: "TC_ERR_CERT_KEY_REVOKED", keys: "TC_ERR_CERT_KEY_REVOKED", server: "TC_ERR_CERT_KEY_REVOKED" }, revokedKeys);
    for (const args of [["--data-dir", labDir], ["--keys", revokedKeys], ["--server", server.url]]) {
      const r = await certVerify(genuinePdf, ...args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/真实 GENUINE: [\s\S]*key: revoked at \d{4}-.*after this file was signed/);
    }
  }, 600_000);
});
