import { randomBytes } from "node:crypto";
import {
  canonicalJson,
  CertificateData,
  type CertificateSummary,
  type IssueCertificateRequest,
  type IssuedCertificate,
  type PublishedSignerKey,
  type WellKnownKeys,
  TelecalError,
  type UserInfo,
  validationError,
} from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { AuthRepository } from "../auth/auth-repository";
import type { Checkpointer } from "../records/checkpoints";
import { appendRecord } from "../records/log";
import { recordsDb } from "../records/schema";
import type { DialectName } from "../store/db";
import type { Schema } from "../store/schema";
import { documentKindOf } from "./document-kind";
import { jobCertificateFields } from "./from-job";
import { issueFiles } from "./issue-files";
import { checkAgainstIssuer, type IssuerVerdict } from "./issuer-check";
import { reportedRow } from "./reported-values";
import type { CertificatesTable } from "./schema";
import type { SignerKeys } from "./signer-keys";
import { sha256Hex as sha } from "./signature";
import { summaryOf } from "./summary";
import { verifyCertificateFile } from "./verify";

/** The record log's stream of one certificate's life: issued, amended (replaced), revoked. */
export function certificateStream(id: string): string {
  return `certificate/${id}`;
}

const today = (now: number) => new Date(now).toISOString().slice(0, 10);

/**
 * Issues, amends and revokes certificates. Issuing fills in what only the server may say (id,
 * number, day of issue, the approver who signs, the checkpoint that covers the raw records), renders
 * and signs the files, and records the issue in the record log in the same transaction.
 */
export class CertificateService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
    private readonly users: AuthRepository,
    private readonly checkpoints: Checkpointer,
    readonly signers: SignerKeys,
    /** <public base URL>: the QR code and the verify page's address. */
    private readonly publicBaseUrl: () => string,
  ) {}

  /** Issues one at a time in this process, so that two never take the same number. */
  private queue: Promise<unknown> = Promise.resolve();

  async issue(approver: UserInfo, request: IssueCertificateRequest, now = Date.now()): Promise<IssuedCertificate> {
    const run = this.queue.then(() => this.issueNow(approver, request, now));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async issueNow(approver: UserInfo, request: IssueCertificateRequest, now: number): Promise<IssuedCertificate> {
    const old = request.replaces === undefined ? undefined : await this.row(request.replaces);
    if (request.replaces !== undefined && (!old || old.organisation_id !== approver.organisation.id)) throw new TelecalError("TC_ERR_CERT_NOT_FOUND", { id: request.replaces });
    if (old && old.status !== "valid") throw new TelecalError("TC_ERR_CERT_STATE", { id: old.id, status: old.status, what: "amended" });
    // What only the server says is never taken from the request: an amendment is named by `replaces` alone.
    const { replaces: _claimed, ...given } = request.data;
    void _claimed;
    let draft = given as Record<string, unknown> & { people?: Record<string, unknown>; records?: Record<string, unknown>; dates?: Record<string, unknown>; results?: unknown };
    let jobCheckpoint: { treeSize: number; rootHash: string; keyId: string } | undefined;
    if (request.job !== undefined) {
      // One valid certificate per job: another is an amendment of it, and an amendment stays with its job.
      const current = await this.db.selectFrom("certificates").select(["id", "number"]).where("job_id", "=", request.job).where("status", "=", "valid").executeTakeFirst();
      if (current && current.id !== old?.id) throw new TelecalError("TC_ERR_CERT_STATE", { id: current.number, status: `the valid certificate of job ${request.job}`, what: "issued again (amend it: give `replaces`)" });
      if (old && old.job_id !== request.job) throw new TelecalError("TC_ERR_CERT_STATE", { id: old.number, status: old.job_id ? `of job ${old.job_id}` : "not issued from a job", what: `replaced by a certificate of job ${request.job}` });
      // The checkpoint first, then the results from exactly the records under it: what a verifier reads.
      await this.checkpoints.checkpoint();
      const latest = await this.checkpoints.latest();
      if (!latest) throw new TelecalError("TC_ERR_NO_CHECKPOINT");
      jobCheckpoint = { treeSize: latest.treeSize, rootHash: latest.rootHash, keyId: latest.keyId };
      // From a job, what its run and the registry say is never taken from the request.
      const { job: _j, results: _r, records: _h, method: _m, mode: _o, procedure: _p, standards: _s, ...rest } = draft;
      void [_j, _r, _h, _m, _o, _p, _s];
      const f = await jobCertificateFields(this.db, request.job, approver, latest.treeSize);
      // 校准员 and 核验员 are the job's people: a request may name them only as they are.
      for (const [part, name, id] of [["calibrator", "校准员 calibrator (the job's technician)", f.calibratorId], ["checker", "核验员 checker (who approved the job's review)", f.checkerId]] as const) {
        const given = draft.people?.[part];
        if (given !== undefined && given !== id) throw new TelecalError("TC_ERR_CERT_PEOPLE", { part: name, username: typeof given === "string" ? given : JSON.stringify(given), reason: `a certificate of job ${f.job} names its ${part} from the job` });
      }
      draft = {
        ...rest,
        job: f.job,
        mode: f.mode,
        method: f.method,
        procedure: f.procedure,
        standards: f.standards,
        results: f.results,
        ...(f.item ? { item: f.item } : {}),
        ...(f.environment ? { environment: f.environment } : {}),
        dates: { ...draft.dates, performed: f.performed },
        people: { calibrator: f.calibratorId, checker: f.checkerId },
        records: { hashes: f.hashes },
      };
    } else if (draft["job"] !== undefined) {
      throw new TelecalError("TC_ERR_VALIDATION", { what: "certificate data", issues: "job: name the job as the request's `job`, so that the server computes its results" });
    }
    const people = await this.people(approver, draft.people ?? {}, request.job !== undefined);
    const hashes = Array.isArray(draft.records?.["hashes"]) ? (draft.records["hashes"] as unknown[]) : [];
    const checkpoint = jobCheckpoint ?? (await this.checkpointCovering(hashes));
    const id = `c${randomBytes(8).toString("hex")}`;
    const candidate = {
      ...draft,
      id,
      number: await this.nextNumber(now),
      ...(old ? { replaces: { id: old.id, number: old.number } } : {}),
      dates: { ...draft.dates, issued: today(now) },
      people,
      records: { hashes, checkpoint },
    };
    const parsed = CertificateData.safeParse(candidate);
    if (!parsed.success) throw validationError("certificate data", parsed.error);
    // Rows from a job are stated already (and a verifier recomputes exactly those); given rows are rounded here.
    const data: CertificateData = request.job !== undefined ? parsed.data : { ...parsed.data, results: parsed.data.results.map(reportedRow) };
    const key = await this.signers.keyFor(approver.id, now);
    const files = await issueFiles(data, { person: data.people.approver, key }, this.publicBaseUrl(), now);
    const row: CertificatesTable = {
      id,
      number: data.number,
      organisation_id: approver.organisation.id,
      kind: documentKindOf(data),
      data: canonicalJson(data),
      dcc_sha256: sha(files.dcc),
      pdf_sha256: sha(files.pdf.zh),
      pdf_en_sha256: sha(files.pdf.en),
      status: "valid",
      replaces: old?.id ?? null,
      replaced_by: null,
      job_id: request.job ?? null,
      revoked_at: null,
      revoked_by: null,
      revoked_reason: null,
      issued_by: approver.id,
      issued_at: now,
    };
    // Another server process may have taken the number meanwhile: the unique constraint refuses, nothing is stored.
    await this.db.transaction().execute(async (trx) => {
      if (old) {
        const changed = await trx.updateTable("certificates").set({ status: "amended", replaced_by: id }).where("id", "=", old.id).where("status", "=", "valid").executeTakeFirst();
        if (Number(changed.numUpdatedRows) !== 1) throw new TelecalError("TC_ERR_CERT_STATE", { id: old.id, status: "no longer valid", what: "amended" });
        await appendRecord(recordsDb(trx), this.dialect, { kind: "certificate", stream: certificateStream(old.id), actor: `user:${approver.id}`, payload: { event: "amended", id: old.id, replacedBy: id, reason: request.reason ?? "" } }, now);
      }
      await trx.insertInto("certificates").values(row).execute();
      await trx
        .insertInto("certificate_files")
        .values([
          { certificate_id: id, file: "dcc", content: files.dcc.toString("base64") },
          { certificate_id: id, file: "pdf", content: files.pdf.zh.toString("base64") },
          { certificate_id: id, file: "pdf-en", content: files.pdf.en.toString("base64") },
        ])
        .execute();
      await appendRecord(
        recordsDb(trx),
        this.dialect,
        {
          kind: "certificate",
          stream: certificateStream(id),
          actor: `user:${approver.id}`,
          payload: { event: "issued", id, number: row.number, kind: row.kind, replaces: row.replaces, dccSha256: row.dcc_sha256, pdfSha256: row.pdf_sha256, pdfEnSha256: row.pdf_en_sha256, signerKeyId: key.publicKey.keyId, checkpoint, records: hashes },
        },
        now,
      );
    }).catch((err: unknown) => {
      if (err instanceof TelecalError) throw err;
      throw new TelecalError("TC_ERR_STORE_FAILED", { what: `certificate ${row.number}` }, { cause: err });
    });
    return { certificate: summaryOf(row), dcc: files.dcc.toString("base64"), pdf: files.pdf.zh.toString("base64"), pdfEn: files.pdf.en.toString("base64") };
  }

  async revoke(by: UserInfo, id: string, reason: string, now = Date.now()): Promise<CertificateSummary> {
    const row = await this.row(id);
    if (!row || row.organisation_id !== by.organisation.id) throw new TelecalError("TC_ERR_CERT_NOT_FOUND", { id });
    await this.db.transaction().execute(async (trx) => {
      const changed = await trx.updateTable("certificates").set({ status: "revoked", revoked_at: now, revoked_by: by.id, revoked_reason: reason }).where("id", "=", id).where("status", "=", "valid").executeTakeFirst();
      if (Number(changed.numUpdatedRows) !== 1) throw new TelecalError("TC_ERR_CERT_STATE", { id, status: row.status, what: "revoked" });
      await appendRecord(recordsDb(trx), this.dialect, { kind: "certificate", stream: certificateStream(id), actor: `user:${by.id}`, payload: { event: "revoked", id, reason } }, now);
    });
    return summaryOf((await this.row(id))!);
  }

  /** An approver rotates their own key, or an admin of their organisation does: a record of the log says so. */
  async rotateKey(by: UserInfo, userId: string, now = Date.now()): Promise<{ retired: string; current: PublishedSignerKey }> {
    const target = await this.users.user(userId);
    if (!target || !(by.id === userId || (by.role === "admin" && target.organisation.id === by.organisation.id))) throw new TelecalError("TC_ERR_SIGNER_KEY_NOT_FOUND", { keyId: `(the current key of ${userId})` });
    const rotated = await this.signers.rotate(userId, now);
    await appendRecord(recordsDb(this.db), this.dialect, { kind: "certificate", stream: `signer-key/${userId}`, actor: `user:${by.id}`, payload: { event: "key-rotated", userId, retired: rotated.retired, current: rotated.current.key } }, now);
    return rotated;
  }

  /** Revokes a signing key (lost, stolen): what it signs from now on is refused everywhere the key is checked. */
  async revokeKey(by: UserInfo, keyId: string, reason: string, now = Date.now()): Promise<PublishedSignerKey> {
    const key = await this.signers.lookup(keyId);
    const holder = key && (await this.users.user(key.userId));
    if (!key || !holder || !(by.id === holder.id || (by.role === "admin" && holder.organisation.id === by.organisation.id))) throw new TelecalError("TC_ERR_SIGNER_KEY_NOT_FOUND", { keyId });
    const revoked = await this.signers.revoke(keyId, reason, now);
    await appendRecord(recordsDb(this.db), this.dialect, { kind: "certificate", stream: `signer-key/${holder.id}`, actor: `user:${by.id}`, payload: { event: "key-revoked", userId: holder.id, keyId, reason } }, now);
    return revoked;
  }

  /** GET /.well-known/telecal-keys.json: every approver key and every record-log key, to pin. */
  async wellKnownKeys(): Promise<WellKnownKeys> {
    const logKeys = await recordsDb(this.db).selectFrom("record_keys").selectAll().orderBy("created_at").execute();
    return {
      format: "telecal-keys/v1",
      signers: await this.signers.all(),
      recordLog: logKeys.map((k) => ({ keyId: k.key_id, algorithm: "Ed25519" as const, spki: k.public_key, createdAt: Number(k.created_at) })),
    };
  }

  /** Public: status and key data. */
  async summary(id: string): Promise<CertificateSummary> {
    const row = await this.row(id);
    if (!row) throw new TelecalError("TC_ERR_CERT_NOT_FOUND", { id });
    return summaryOf(row);
  }

  /**
   * Checks an uploaded file: by itself first (structure, appended bytes, digest, signature), then
   * against what this server issued (issuer-check.ts): a known id, the approver's registered key not
   * revoked at the time of issue, the very file, its raw records.
   */
  /** `checked`: the file already checked by itself (the public route checks it off the event loop). */
  async verify(bytes: Buffer, name: string, checked = verifyCertificateFile(bytes, name)): Promise<IssuerVerdict & { file: "dcc" | "pdf" }> {
    return { file: checked.file, ...(await checkAgainstIssuer(this.db, checked, name, "server")) };
  }

  /** A file as issued, for the verify page's download links; TC_ERR_CERT_NOT_FOUND when not kept (issued before migration 0009). */
  async file(id: string, file: "dcc" | "pdf" | "pdf-en"): Promise<{ number: string; bytes: Buffer }> {
    const row = await this.db
      .selectFrom("certificate_files")
      .innerJoin("certificates", "certificates.id", "certificate_files.certificate_id")
      .select(["certificates.number", "certificate_files.content"])
      .where("certificate_files.certificate_id", "=", id)
      .where("certificate_files.file", "=", file)
      .executeTakeFirst();
    if (!row) throw new TelecalError("TC_ERR_CERT_NOT_FOUND", { id });
    return { number: row.number, bytes: Buffer.from(row.content, "base64") };
  }

  /** What the public verify page shows: the summary, and what the holder must compare with the paper. */
  async pageData(id: string): Promise<{ summary: CertificateSummary; data: CertificateData; signerKey: PublishedSignerKey | undefined; files: string[] }> {
    const row = await this.row(id);
    if (!row) throw new TelecalError("TC_ERR_CERT_NOT_FOUND", { id });
    const data = JSON.parse(row.data) as CertificateData;
    const issued = await this.db.selectFrom("certificate_signer_keys").select("key_id").where("user_id", "=", row.issued_by).where("created_at", "<=", row.issued_at).orderBy("created_at", "desc").executeTakeFirst();
    const files = (await this.db.selectFrom("certificate_files").select("file").where("certificate_id", "=", id).execute()).map((f) => f.file);
    return { summary: summaryOf(row), data, signerKey: issued ? await this.signers.lookup(issued.key_id) : undefined, files };
  }

  private async row(id: string): Promise<CertificatesTable | undefined> {
    return this.db.selectFrom("certificates").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /**
   * 校准员 and 核验员 are users of the approver's organisation (or, from a job, the job's own people:
   * its expert may be of the supervising institute); the approver is the caller; three people.
   */
  private async people(approver: UserInfo, given: Record<string, unknown>, fromJob: boolean) {
    const person = async (part: string, value: unknown) => {
      const id = typeof value === "object" && value !== null ? (value as { id?: unknown }).id : value;
      if (typeof id !== "string") throw new TelecalError("TC_ERR_CERT_PEOPLE", { part, username: "(none)", reason: "give the user id" });
      const user = await this.users.user(id);
      if (!user || (!fromJob && user.organisation.id !== approver.organisation.id)) throw new TelecalError("TC_ERR_CERT_PEOPLE", { part, username: id, reason: "no such user in the approver's organisation" });
      return { id: user.id, name: user.displayName };
    };
    const calibrator = await person("校准员 calibrator", given["calibrator"]);
    const checker = await person("核验员 checker", given["checker"]);
    const signer = { id: approver.id, name: approver.displayName };
    if (new Set([calibrator.id, checker.id, signer.id]).size !== 3) {
      throw new TelecalError("TC_ERR_CERT_PEOPLE", { part: "校准员, 核验员, 批准人", username: `${calibrator.id}, ${checker.id}, ${signer.id}`, reason: "must be three different people" });
    }
    return { calibrator, checker, approver: signer };
  }

  /** The latest signed checkpoint, made now if it does not yet cover every raw record named. */
  private async checkpointCovering(hashes: unknown[]) {
    const wanted = hashes.filter((h): h is string => typeof h === "string");
    const rows = wanted.length === 0 ? [] : await recordsDb(this.db).selectFrom("records").select(["id", "hash"]).where("hash", "in", wanted).execute();
    const missing = wanted.find((h) => !rows.some((r) => r.hash === h));
    if (missing !== undefined) throw new TelecalError("TC_ERR_RECORD_NOT_FOUND", { id: missing });
    const highest = Math.max(0, ...rows.map((r) => r.id));
    let latest = await this.checkpoints.latest();
    if (!latest || latest.treeSize < highest) {
      await this.checkpoints.checkpoint();
      latest = await this.checkpoints.latest();
    }
    if (!latest) throw new TelecalError("TC_ERR_NO_CHECKPOINT");
    return { treeSize: latest.treeSize, rootHash: latest.rootHash, keyId: latest.keyId };
  }

  /** TC-<year>-<six digits>, counted per server. */
  private async nextNumber(now: number): Promise<string> {
    const year = today(now).slice(0, 4);
    const row = await this.db.selectFrom("certificates").select((eb) => eb.fn.countAll<number>().as("n")).where("number", "like", `TC-${year}-%`).executeTakeFirst();
    return `TC-${year}-${String(Number(row?.n ?? 0) + 1).padStart(6, "0")}`;
  }
}
