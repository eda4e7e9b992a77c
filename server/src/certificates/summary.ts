import { type CalibrationCertificateSummary, CertificateData, type CertificateSummary, parseJson, TrainingCertificateData, type TrainingCertificateSummary } from "@telecal/protocols";
import type { CertificatesTable } from "./schema";

/** What anyone may see of a certificate: the status page and GET /api/certificates/:id. */
export function summaryOf(row: CertificatesTable): CertificateSummary {
  return row.kind === "training-certificate" ? trainingSummaryOf(row) : calibrationSummaryOf(row);
}

export function calibrationSummaryOf(row: CertificatesTable): CalibrationCertificateSummary {
  if (row.kind === "training-certificate") throw new Error(`certificate ${row.id} is a training certificate`);
  const data = parseJson(CertificateData, row.data, `certificate ${row.id} data`, "TC_ERR_STORED_INVALID");
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    kind: row.kind,
    mode: data.mode,
    item: data.item,
    customer: data.customer.name,
    lab: data.lab.name,
    issuedOn: data.dates.issued,
    approver: data.people.approver.name,
    replaces: row.replaces,
    replacedBy: row.replaced_by,
    revoked: row.revoked_at === null ? null : { at: row.revoked_at, reason: row.revoked_reason ?? "" },
    dccSha256: row.dcc_sha256,
    pdfSha256: row.pdf_sha256,
  };
}

/** A 培训证明's: whose, of which course, by whom. */
export function trainingSummaryOf(row: CertificatesTable): TrainingCertificateSummary {
  const data = parseJson(TrainingCertificateData, row.data, `certificate ${row.id} data`, "TC_ERR_STORED_INVALID");
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    kind: "training-certificate",
    trainee: data.trainee.name,
    course: data.course.title,
    organisation: data.organisation.name,
    issuedOn: data.dates.issued,
    issuer: data.issuer.name,
    replaces: null,
    replacedBy: null,
    revoked: row.revoked_at === null ? null : { at: row.revoked_at, reason: row.revoked_reason ?? "" },
    pdfSha256: row.pdf_sha256,
  };
}
