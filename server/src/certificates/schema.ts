import type { CertificateStatus, DocumentKind } from "@telecal/protocols";

/** The tables of migration 0007-certificates (and those after it), as Kysely sees them. */
export interface CertificatesTable {
  id: string;
  number: string;
  organisation_id: string;
  kind: DocumentKind;
  /** Canonical JSON of the CertificateData the files were rendered from. */
  data: string;
  /** Empty for a training certificate, which has no DCC: it matches no file. */
  dcc_sha256: string;
  /** The Chinese PDF (the certificate) and the English one. */
  pdf_sha256: string;
  pdf_en_sha256: string;
  status: CertificateStatus;
  replaces: string | null;
  replaced_by: string | null;
  /** The job whose raw records the results come from (migration 0008); null for one issued from given values. */
  job_id: string | null;
  revoked_at: number | null;
  revoked_by: string | null;
  revoked_reason: string | null;
  issued_by: string;
  issued_at: number;
}

export interface CertificateSignerKeysTable {
  key_id: string;
  user_id: string;
  /** SubjectPublicKeyInfo DER, base64. */
  spki: string;
  created_at: number;
  /** Rotated out (migration 0009): signs nothing new, still proves what it signed before. */
  retired_at: number | null;
  /** Revoked: proves nothing signed at or after this time. */
  revoked_at: number | null;
  revoked_reason: string | null;
}

/** The files as issued (migration 0009), base64: what the verify page offers for download. */
export interface CertificateFilesTable {
  certificate_id: string;
  file: "dcc" | "pdf" | "pdf-en";
  content: string;
}

/** Which course and trainee a training certificate is of (migration 0016): one per pair. */
export interface TrainingCertificatesTable {
  certificate_id: string;
  course_id: string;
  trainee_id: string;
}

export interface CertificatesSchema {
  certificates: CertificatesTable;
  certificate_signer_keys: CertificateSignerKeysTable;
  certificate_files: CertificateFilesTable;
  training_certificates: TrainingCertificatesTable;
}
