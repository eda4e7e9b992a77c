import { randomBytes } from "node:crypto";
import {
  canonicalJson,
  type IssuedTrainingCertificate,
  type TrainingCertificateData,
  type TrainingProgress,
  TelecalError,
  type UserInfo,
} from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { CoursesTable } from "../courses/schema";
import { courseCriteria } from "../courses/criteria";
import type { CourseService } from "../courses/service";
import { courseStandings, meets, type TraineeStanding } from "../courses/standing";
import type { Checkpointer } from "../records/checkpoints";
import { appendRecord } from "../records/log";
import { recordsDb } from "../records/schema";
import type { DialectName } from "../store/db";
import type { Schema } from "../store/schema";
import { checkpointCovering } from "./checkpoint";
import type { CertificatesTable } from "./schema";
import { type CertificateService, certificateStream } from "./service";
import { sha256Hex as sha } from "./signature";
import { trainingSummaryOf } from "./summary";
import { issueTrainingFiles } from "./training-files";

const today = (now: number) => new Date(now).toISOString().slice(0, 10);

/**
 * 培训证明: a trainer of the course or an admin of its organisation issues one to an enrolled trainee
 * who meets the course's criteria. It is a row of `certificates` (kind training-certificate), its
 * PDFs signed with the issuer's certificate key, stored with its course and trainee, its files and
 * its `issued` record in one transaction; so the verify page and every verifier know it.
 */
export class TrainingCertificateService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
    private readonly courses: CourseService,
    private readonly certificates: CertificateService,
    private readonly checkpoints: Checkpointer,
    /** <public base URL>: the QR code and the verify page's address. */
    private readonly publicBaseUrl: () => string,
  ) {}

  /** The course, for one who may issue its certificates; 404 for those who may not see it at all. */
  private async issuerCourse(user: UserInfo, courseId: string, what: string): Promise<CoursesTable> {
    const { course, part } = await this.courses.access.see(user, courseId);
    if (part === "trainer" || (user.role === "admin" && course.organisation_id === user.organisation.id)) return course;
    throw new TelecalError("TC_ERR_TRAINING_FORBIDDEN", { who: `${user.role} ${user.username}`, what, course: courseId });
  }

  private standings(course: CoursesTable, now: number) {
    const { repo, live, quizzes } = this.courses;
    return courseStandings({ courses: repo, live, quizzes }, course, now);
  }

  private async issuedOf(courseId: string) {
    return this.db
      .selectFrom("training_certificates")
      .innerJoin("certificates", "certificates.id", "training_certificates.certificate_id")
      .select(["training_certificates.trainee_id", "certificates.id", "certificates.number"])
      .where("training_certificates.course_id", "=", courseId)
      .execute();
  }

  /** Every enrolled trainee's standing over the course, what they meet, and their certificate if issued. */
  async progress(user: UserInfo, courseId: string, now = Date.now()): Promise<TrainingProgress> {
    const course = await this.issuerCourse(user, courseId, "read the training progress");
    const criteria = (await courseCriteria(this.db, course))?.criteria ?? null;
    const { rows } = await this.standings(course, now);
    const issued = await this.issuedOf(course.id);
    return {
      courseId: course.id,
      criteria,
      rows: rows.map((r) => {
        const cert = issued.find((i) => i.trainee_id === r.person.userId);
        return { ...r.person, standing: r.standing, meets: criteria ? meets(r.standing, criteria) : null, certificate: cert ? { id: cert.id, number: cert.number } : null };
      }),
    };
  }

  async issue(user: UserInfo, courseId: string, traineeUsername: string, now = Date.now()): Promise<IssuedTrainingCertificate> {
    const course = await this.issuerCourse(user, courseId, "issue training certificates");
    const judged = await courseCriteria(this.db, course);
    if (!judged) throw new TelecalError("TC_ERR_TRAINING_NO_CRITERIA", { course: course.id });
    const { lessons, rows } = await this.standings(course, now);
    const row = rows.find((r) => r.person.username === traineeUsername);
    if (!row) throw new TelecalError("TC_ERR_TRAINING_NOT_ENROLLED", { trainee: traineeUsername, course: course.id });
    await this.refuseIssued(course.id, row);
    const { criteria } = judged;
    const met = meets(row.standing, criteria);
    const refuse = (criterion: string, value: string, threshold: number) => new TelecalError("TC_ERR_TRAINING_NOT_MET", { trainee: traineeUsername, criterion, course: course.id, value, threshold: `${threshold} %` });
    if (!met.presence) throw refuse("出勤率 presence", `${row.standing.presencePercent} %`, criteria.presencePercent);
    const score = row.standing.scorePercent;
    if (!met.score) throw refuse("测验得分率 score", score === null ? "no quiz points in the course" : `${score} %`, criteria.scorePercent);

    return this.certificates.inTurn(async () => {
      const checkpoint = await checkpointCovering(this.db, this.checkpoints, [judged.recordHash]);
      const data: TrainingCertificateData = {
        id: `t${randomBytes(8).toString("hex")}`,
        number: await this.certificates.nextNumber(now),
        kind: "training-certificate",
        trainee: { id: row.person.userId, name: row.person.displayName, username: row.person.username },
        course: { id: course.id, title: course.title },
        organisation: { id: user.organisation.id, name: user.organisation.name },
        lessons: lessons.map((l, i) => ({ title: l.title, startsAt: l.starts_at, endsAt: l.ends_at, presencePercent: row.lessons[i] ?? 0 })),
        standing: row.standing,
        criteria,
        dates: { issued: today(now) },
        issuer: { id: user.id, name: user.displayName, role: user.role === "admin" ? "admin" : "trainer" },
        records: { checkpoint, hashes: [judged.recordHash] },
      };
      const key = await this.certificates.signers.keyFor(user.id, now);
      const pdf = await issueTrainingFiles(data, { person: { id: user.id, name: user.displayName }, key }, this.publicBaseUrl(), now);
      const stored = await this.store(user, data, pdf, key.publicKey.keyId, now);
      return { certificate: trainingSummaryOf(stored), pdf: pdf.zh.toString("base64"), pdfEn: pdf.en.toString("base64") };
    });
  }

  private async refuseIssued(courseId: string, row: TraineeStanding): Promise<void> {
    const issued = (await this.issuedOf(courseId)).find((i) => i.trainee_id === row.person.userId);
    if (issued) throw new TelecalError("TC_ERR_TRAINING_ISSUED", { trainee: row.person.username, number: issued.number, course: courseId });
  }

  /** The certificate, its course and trainee, its two PDFs and its `issued` record, in one transaction. */
  private async store(user: UserInfo, data: TrainingCertificateData, pdf: { zh: Buffer; en: Buffer }, signerKeyId: string, now: number): Promise<CertificatesTable> {
    const row: CertificatesTable = {
      id: data.id,
      number: data.number,
      organisation_id: data.organisation.id,
      kind: "training-certificate",
      data: canonicalJson(data),
      dcc_sha256: "",
      pdf_sha256: sha(pdf.zh),
      pdf_en_sha256: sha(pdf.en),
      status: "valid",
      replaces: null,
      replaced_by: null,
      job_id: null,
      revoked_at: null,
      revoked_by: null,
      revoked_reason: null,
      issued_by: user.id,
      issued_at: now,
    };
    const payload = { event: "issued", id: row.id, number: row.number, kind: row.kind, course: data.course.id, trainee: data.trainee.id, pdfSha256: row.pdf_sha256, pdfEnSha256: row.pdf_en_sha256, signerKeyId, checkpoint: data.records.checkpoint, records: data.records.hashes };
    await this.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto("certificates").values(row).execute();
        await trx.insertInto("training_certificates").values({ certificate_id: row.id, course_id: data.course.id, trainee_id: data.trainee.id }).execute();
        await trx
          .insertInto("certificate_files")
          .values([
            { certificate_id: row.id, file: "pdf", content: pdf.zh.toString("base64") },
            { certificate_id: row.id, file: "pdf-en", content: pdf.en.toString("base64") },
          ])
          .execute();
        await appendRecord(recordsDb(trx), this.dialect, { kind: "certificate", stream: certificateStream(row.id), actor: `user:${user.id}`, payload }, now);
      })
      .catch(async (err: unknown) => {
        if (err instanceof TelecalError) throw err;
        // Another process issued it meanwhile: the unique (course, trainee) refused this one, nothing is stored.
        await this.refuseIssued(data.course.id, { person: { userId: data.trainee.id, username: data.trainee.username, displayName: data.trainee.name }, standing: data.standing, lessons: [] });
        throw new TelecalError("TC_ERR_STORE_FAILED", { what: `training certificate ${row.number}` }, { cause: err });
      });
    return row;
  }
}
