import { randomBytes } from "node:crypto";
import {
  canonicalJson,
  type CertificateData,
  type IssuedListEntry,
  type IssuedListQuery,
  type CertificateSummary,
  type IssueCertificateRequest,
  type IssuedCertificate,
  type PublishedSignerKey,
  type TrainingCertificateData,
  type WellKnownKeys,
  TelecalError,
  type UserInfo,
} from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { AuthRepository } from "../auth/auth-repository";
import type { Checkpointer } from "../records/checkpoints";
import { appendRecord } from "../records/log";
import { recordsDb } from "../records/schema";
import type { DialectName } from "../store/db";
import type { Schema } from "../store/schema";
import { type CertificateCheckpoint, checkpointCovering, checkpointNow } from "./checkpoint";
import { documentKindOf } from "./document-kind";
import { certificateData, type Draft, jobDraft, requestedDraft } from "./draft";
import { jobCertificateFields } from "./from-job";
import { type CertificateFiles, issueFiles } from "./issue-files";
import { checkAgainstIssuer, type IssuerVerdict } from "./issuer-check";
import { certificatePeople } from "./people";
import type { CertificatesTable } from "./schema";
import type { SignerKeys } from "./signer-keys";
import { sha256Hex as sha } from "./signature";
import { listCertificates } from "./list";
import { calibrationSummaryOf, summaryOf, trainingSummaryOf } from "./summary";
import type { VerifyPageData } from "./verify-page";
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
    return this.inTurn(() => this.issueNow(approver, request, now));
  }

  /** Runs `issue` after every issue before it in this process: 培训证明 are numbered in the same series. */
  inTurn<T>(issue: () => Promise<T>): Promise<T> {
    const run = this.queue.then(issue);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async issueNow(approver: UserInfo, request: IssueCertificateRequest, now: number): Promise<IssuedCertificate> {
    const old = await this.amended(approver, request.replaces);
    let draft = requestedDraft(request);
    let jobCheckpoint: CertificateCheckpoint | undefined;
    if (request.job !== undefined) ({ draft, checkpoint: jobCheckpoint } = await this.fromJob(approver, request.job, draft, old));
    const people = await certificatePeople(this.users, approver, draft.people ?? {}, request.job !== undefined);
    const hashes = Array.isArray(draft.records?.["hashes"]) ? (draft.records["hashes"] as unknown[]) : [];
    const checkpoint = jobCheckpoint ?? (await checkpointCovering(this.db, this.checkpoints, hashes));
    const id = `c${randomBytes(8).toString("hex")}`;
    const number = await this.nextNumber(now);
    const replaces = old ? { replaces: { id: old.id, number: old.number } } : {};
    const data = certificateData(draft, { id, number, ...replaces, issued: today(now), people, hashes, checkpoint }, request.job !== undefined);
    const key = await this.signers.keyFor(approver.id, now);
    const files = await issueFiles(data, { person: data.people.approver, key }, this.publicBaseUrl(), now);
    const row = await this.store(approver, data, files, { old, job: request.job, reason: request.reason, signerKeyId: key.publicKey.keyId, checkpoint, hashes }, now);
    return { certificate: calibrationSummaryOf(row), dcc: files.dcc.toString("base64"), pdf: files.pdf.zh.toString("base64"), pdfEn: files.pdf.en.toString("base64") };
  }

  /** The certificate a request amends (`replaces`): one of the approver's organisation, still valid. */
  private async amended(approver: UserInfo, replaces: string | undefined): Promise<CertificatesTable | undefined> {
    const old = replaces === undefined ? undefined : await this.row(replaces);
    if (replaces !== undefined && (!old || old.organisation_id !== approver.organisation.id)) throw new TelecalError("TC_ERR_CERT_NOT_FOUND", { id: replaces });
    if (old && old.status !== "valid") throw new TelecalError("TC_ERR_CERT_STATE", { id: old.id, status: old.status, what: "amended" });
    if (old?.kind === "training-certificate") throw new TelecalError("TC_ERR_CERT_STATE", { id: old.id, status: "a training certificate", what: "amended by a calibration certificate" });
    return old;
  }

  /** The draft of a certificate of a job, with the checkpoint its results were computed under. */
  private async fromJob(approver: UserInfo, job: string, draft: Draft, old: CertificatesTable | undefined): Promise<{ draft: Draft; checkpoint: CertificateCheckpoint }> {
    // One valid certificate per job: another is an amendment of it, and an amendment stays with its job.
    const current = await this.db.selectFrom("certificates").select(["id", "number"]).where("job_id", "=", job).where("status", "=", "valid").executeTakeFirst();
    if (current && current.id !== old?.id) throw new TelecalError("TC_ERR_CERT_STATE", { id: current.number, status: `the valid certificate of job ${job}`, what: "issued again (amend it: give `replaces`)" });
    if (old && old.job_id !== job) throw new TelecalError("TC_ERR_CERT_STATE", { id: old.number, status: old.job_id ? `of job ${old.job_id}` : "not issued from a job", what: `replaced by a certificate of job ${job}` });
    // The checkpoint first, then the results from exactly the records under it: what a verifier reads.
    const checkpoint = await checkpointNow(this.checkpoints);
    const fields = await jobCertificateFields(this.db, job, approver, checkpoint.treeSize);
    return { draft: jobDraft(draft, fields), checkpoint };
  }

  /**
   * Stores the certificate, its files and the `issued` record (and, for an amendment, the old one
   * marked amended and its `amended` record) in one transaction.
   */
  private async store(
    approver: UserInfo,
    data: CertificateData,
    files: CertificateFiles,
    /** `checkpoint` and `hashes` as given to the data, for the `issued` record. */
    issue: { old: CertificatesTable | undefined; job: string | undefined; reason: string | undefined; signerKeyId: string; checkpoint: CertificateCheckpoint; hashes: unknown[] },
    now: number,
  ): Promise<CertificatesTable> {
    const { old, checkpoint, hashes } = issue;
    const id = data.id;
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
      job_id: issue.job ?? null,
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
        await appendRecord(recordsDb(trx), this.dialect, { kind: "certificate", stream: certificateStream(old.id), actor: `user:${approver.id}`, payload: { event: "amended", id: old.id, replacedBy: id, reason: issue.reason ?? "" } }, now);
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
          payload: { event: "issued", id, number: row.number, kind: row.kind, replaces: row.replaces, dccSha256: row.dcc_sha256, pdfSha256: row.pdf_sha256, pdfEnSha256: row.pdf_en_sha256, signerKeyId: issue.signerKeyId, checkpoint, records: hashes },
        },
        now,
      );
    }).catch((err: unknown) => {
      if (err instanceof TelecalError) throw err;
      throw new TelecalError("TC_ERR_STORE_FAILED", { what: `certificate ${row.number}` }, { cause: err });
    });
    return row;
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

  /** The certificates of the user's organisation, newest first (list.ts). */
  list(user: UserInfo, query: IssuedListQuery): Promise<IssuedListEntry[]> {
    return listCertificates(this.db, user, query);
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

  /** What the public verify page shows: the summary, and what the holder must compare with the paper; by id or by number. */
  async pageData(idOrNumber: string): Promise<VerifyPageData> {
    // The number printed on the paper (证书编号) names it as well as the id in the QR code.
    const row = (await this.row(idOrNumber)) ?? (await this.db.selectFrom("certificates").selectAll().where("number", "=", idOrNumber).executeTakeFirst());
    const id = row?.id ?? idOrNumber;
    if (!row) throw new TelecalError("TC_ERR_CERT_NOT_FOUND", { id });
    const issued = await this.db.selectFrom("certificate_signer_keys").select("key_id").where("user_id", "=", row.issued_by).where("created_at", "<=", row.issued_at).orderBy("created_at", "desc").executeTakeFirst();
    const files = (await this.db.selectFrom("certificate_files").select("file").where("certificate_id", "=", id).execute()).map((f) => f.file);
    const signerKey = issued ? await this.signers.lookup(issued.key_id) : undefined;
    // The summary parsed the stored data against its kind's schema already.
    if (row.kind === "training-certificate") return { summary: trainingSummaryOf(row), data: JSON.parse(row.data) as TrainingCertificateData, signerKey, files };
    return { summary: calibrationSummaryOf(row), data: JSON.parse(row.data) as CertificateData, signerKey, files };
  }

  private async row(id: string): Promise<CertificatesTable | undefined> {
    return this.db.selectFrom("certificates").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** TC-<year>-<six digits>, counted per server over every kind of document; take it in turn (`inTurn`). */
  async nextNumber(now: number): Promise<string> {
    const year = today(now).slice(0, 4);
    const row = await this.db.selectFrom("certificates").select((eb) => eb.fn.countAll<number>().as("n")).where("number", "like", `TC-${year}-%`).executeTakeFirst();
    return `TC-${year}-${String(Number(row?.n ?? 0) + 1).padStart(6, "0")}`;
  }
}
