import { CertificateData, type CertificateSummary, parseJson } from "@telecal/protocols";
import type { CertificatesTable } from "./schema";

/** What anyone may see of a certificate: the status page and GET /api/certificates/:id. */
export function summaryOf(row: CertificatesTable): CertificateSummary {
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
