import { z } from "zod";
import { Id } from "./ids";
import { IsoDate } from "./registry";
import { KeyProof, SignerKey } from "./signer-keys";

/**
 * A certificate's data: everything its PDF and its DCC show, and nothing else. Both are rendered
 * from the same CertificateData, so they always carry the same numbers (docs/certificates.md).
 */

const Text = (max: number) => z.string().trim().min(1).max(max);
const Hex32 = z.string().regex(/^[0-9a-f]{64}$/, "32 bytes, lowercase hex");

/** URL-safe: it is the last part of <public base URL>/verify/<id>, the QR code's target. */
export const CertificateId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/, "3-64 letters, digits and dashes");
export type CertificateId = z.infer<typeof CertificateId>;

export const Bilingual = z.strictObject({ zh: Text(256), en: Text(256) });
export type Bilingual = z.infer<typeof Bilingual>;

/** 检定 (legal verification against MPE, pass or fail) or 校准 (calibration, values and uncertainty). */
export const CertificateMode = z.enum(["verification", "calibration"]);
export type CertificateMode = z.infer<typeof CertificateMode>;

/** A 检定 point's conformity, in the DCC's words: the conditional ones are JJF 1094's 待定 and ILAC-G8's non-binary results. */
export const Decision = z.enum(["pass", "conditionalPass", "conditionalFail", "fail"]);
export type Decision = z.infer<typeof Decision>;

export const CertificatePerson = z.strictObject({
  /** The user id on the issuing server. */
  id: Text(64),
  name: Text(64),
});
export type CertificatePerson = z.infer<typeof CertificatePerson>;

export const ReferenceStandard = z.strictObject({
  name: Bilingual,
  maker: Text(128),
  model: Text(128),
  serial: Text(128),
  /** The standard's own calibration certificate, and until when it is in force. */
  certificateNumber: Text(128),
  dueOn: IsoDate,
});
export type ReferenceStandard = z.infer<typeof ReferenceStandard>;

/** One test point as reported: values already rounded to what the certificate states (U to 2 digits). */
export const ResultRow = z.strictObject({
  point: Text(64),
  nominal: z.number().finite(),
  /** As in the procedure: V, g, hPa, °C (D-SI in the DCC: \volt, \gram, \hecto\pascal, \degreecelsius). */
  unit: Text(16),
  reference: z.number().finite(),
  indication: z.number().finite(),
  error: z.number().finite(),
  /** Expanded uncertainty of the error, in `unit`. */
  U: z.number().finite().nonnegative(),
  k: z.number().finite().min(1),
  coverageProbability: z.number().gt(0).lt(1),
  /** Maximum permissible error (检定), in `unit`. */
  mpe: z.number().finite().nonnegative().optional(),
  decision: Decision.optional(),
});
export type ResultRow = z.infer<typeof ResultRow>;

export const Environment = z.strictObject({
  temperature: z.number().finite(),
  /** Relative humidity in %RH, when the procedure records it. */
  humidity: z.number().finite().optional(),
});
export type Environment = z.infer<typeof Environment>;

export const CertificateData = z
  .strictObject({
    id: CertificateId,
    /** The number printed on the certificate (证书编号). */
    number: Text(64),
    /** An amendment names the certificate it replaces. */
    replaces: z.strictObject({ id: CertificateId, number: Text(64) }).optional(),
    mode: CertificateMode,
    lab: z.strictObject({
      name: Bilingual,
      address: Text(256),
      city: Text(64),
      /** ISO 3166-1 alpha-2. */
      country: z.string().regex(/^[A-Z]{2}$/),
      email: Text(128),
      phone: z.string().trim().max(64).optional(),
      /** 授权/认可: e.g. "CNAS L12345" or the 计量授权 number. */
      accreditation: Text(128),
    }),
    customer: z.strictObject({ name: Text(256), address: Text(256) }),
    item: z.strictObject({ name: Bilingual, maker: Text(128), model: Text(128), serial: Text(128) }),
    dates: z.strictObject({
      received: IsoDate.optional(),
      performed: IsoDate,
      issued: IsoDate,
      /** 检定 only: until when the verification is valid (有效期至). */
      validUntil: IsoDate.optional(),
    }),
    method: z.strictObject({ code: Text(64), title: Text(256) }),
    procedure: z.strictObject({ id: Text(64), title: Bilingual }),
    standards: z.array(ReferenceStandard).min(1),
    environment: Environment,
    results: z.array(ResultRow).min(1),
    people: z.strictObject({ calibrator: CertificatePerson, checker: CertificatePerson, approver: CertificatePerson }),
    /**
     * The calibration job whose run the results were computed from, when issued from one: anyone with
     * the record log recomputes them from the run's raw records (telecal cert verify --data-dir).
     */
    job: Id.optional(),
    /** What the results were computed from: a signed checkpoint of the record log and the raw records' hashes. */
    records: z.strictObject({
      checkpoint: z.strictObject({ treeSize: z.number().int().positive(), rootHash: Hex32, keyId: Text(64) }),
      hashes: z.array(Hex32).min(1),
    }),
  })
  .superRefine((d, ctx) => {
    const { calibrator, checker, approver } = d.people;
    if (new Set([calibrator.id, checker.id, approver.id]).size !== 3) {
      ctx.addIssue({ code: "custom", path: ["people"], message: "校准员, 核验员 and 批准人 must be three different people" });
    }
    if (d.mode === "verification") {
      d.results.forEach((r, i) => {
        if (r.mpe === undefined || r.decision === undefined) {
          ctx.addIssue({ code: "custom", path: ["results", i], message: "a 检定 result needs its mpe and its decision" });
        }
      });
    }
  });
export type CertificateData = z.infer<typeof CertificateData>;

/** What a calibration certificate is called, from its mode and its results. */
export const CalibrationDocumentKind = z.enum(["verification-certificate", "verification-failure-notice", "calibration-certificate"]);
export type CalibrationDocumentKind = z.infer<typeof CalibrationDocumentKind>;
/** Every document this server signs and the verify page knows: the calibration ones and 培训证明 (training-certificates.ts). */
export const DocumentKind = z.enum([...CalibrationDocumentKind.options, "training-certificate"]);
export type DocumentKind = z.infer<typeof DocumentKind>;

export const CertificateStatus = z.enum(["valid", "amended", "revoked"]);
export type CertificateStatus = z.infer<typeof CertificateStatus>;

/**
 * What the approver signs (Ed25519 over "telecal/certificate/v1\n" + canonical JSON of this). `sha256`
 * covers every byte of the file except the signature block itself, whose place `signedRanges` names;
 * `length` is the whole file's, so nothing can be appended after it.
 */
export const SignatureManifest = z.strictObject({
  format: z.literal("telecal-certificate-signature/v1"),
  certificateId: CertificateId,
  number: z.string(),
  file: z.enum(["dcc", "pdf"]),
  sha256: Hex32,
  length: z.number().int().positive(),
  /** [start, end) byte ranges that the digest covers, in order. */
  signedRanges: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])).min(1),
  signer: CertificatePerson.extend({ key: SignerKey }),
  checkpoint: z.strictObject({ treeSize: z.number().int().positive(), rootHash: Hex32, keyId: z.string() }),
  records: z.array(Hex32),
  /** For the PDF: the digest of the DCC it carries as an attachment. */
  dccSha256: Hex32.optional(),
  issuedAt: z.number().int(),
  /** A certificate issued from a job: the job and the rows as stated, which a verifier recomputes from the raw records. */
  job: z.strictObject({ id: Id, results: z.array(ResultRow).min(1) }).optional(),
});
export type SignatureManifest = z.infer<typeof SignatureManifest>;

export const SignatureBlock = z.strictObject({
  manifest: SignatureManifest,
  /** Ed25519, base64. */
  signature: z.string(),
});
export type SignatureBlock = z.infer<typeof SignatureBlock>;

export const CertificateIdParams = z.strictObject({ id: CertificateId });

/** A calibration certificate's summary. */
export const CalibrationCertificateSummary = z.strictObject({
  id: CertificateId,
  number: z.string(),
  status: CertificateStatus,
  kind: CalibrationDocumentKind,
  mode: CertificateMode,
  item: z.strictObject({ name: Bilingual, maker: z.string(), model: z.string(), serial: z.string() }),
  customer: z.string(),
  lab: Bilingual,
  issuedOn: IsoDate,
  approver: z.string(),
  /** The certificate this one replaces, and the one that replaced it. */
  replaces: z.string().nullable(),
  replacedBy: z.string().nullable(),
  revoked: z.strictObject({ at: z.number(), reason: z.string() }).nullable(),
  dccSha256: Hex32,
  pdfSha256: Hex32,
});
export type CalibrationCertificateSummary = z.infer<typeof CalibrationCertificateSummary>;

/** A 培训证明's summary: whose, of which course, issued by whom. It has no DCC and is never amended. */
export const TrainingCertificateSummary = z.strictObject({
  id: CertificateId,
  number: z.string(),
  status: CertificateStatus,
  kind: z.literal("training-certificate"),
  trainee: z.string(),
  course: z.string(),
  organisation: z.string(),
  issuedOn: IsoDate,
  issuer: z.string(),
  replaces: z.null(),
  replacedBy: z.null(),
  revoked: z.strictObject({ at: z.number(), reason: z.string() }).nullable(),
  pdfSha256: Hex32,
});
export type TrainingCertificateSummary = z.infer<typeof TrainingCertificateSummary>;

/** GET /api/certificates/:id: public, no sign-in. Either kind, told apart by `kind`. */
export const CertificateSummary = z.union([CalibrationCertificateSummary, TrainingCertificateSummary]);
export type CertificateSummary = z.infer<typeof CertificateSummary>;

/**
 * POST /api/certificates (expert, admin): the caller issues as 批准人, or amends when `replaces` names
 * a valid certificate. `data` is a CertificateData without id, number, dates.issued, replaces,
 * people.approver and records.checkpoint: the server fills those in.
 */
export const IssueCertificateRequest = z.strictObject({
  data: z.record(z.string(), z.unknown()),
  /**
   * A finished job of the approver's organisation: the server computes the results, the method, the
   * item, the standards, the environment and the raw records from its run; `data` gives the rest.
   */
  job: Id.optional(),
  replaces: CertificateId.optional(),
  reason: z.string().trim().max(512).optional(),
});
export type IssueCertificateRequest = z.infer<typeof IssueCertificateRequest>;

export const IssuedCertificate = z.strictObject({
  certificate: CalibrationCertificateSummary,
  /** The files, base64: the DCC, the Chinese PDF (the certificate) and the English one. */
  dcc: z.string(),
  pdf: z.string(),
  pdfEn: z.string(),
});
export type IssuedCertificate = z.infer<typeof IssuedCertificate>;

export const RevokeCertificateRequest = z.strictObject({ reason: z.string().trim().min(1).max(512) });

/** POST /api/certificates/verify: what a file proved. A bad file is an error with its code instead. */
export const VerifyCertificateResponse = z.strictObject({
  ok: z.literal(true),
  /** Always genuine here: the issuing server proves the signer's key or refuses the file. */
  verdict: z.literal("genuine"),
  /** The signer's key as registered; `revokedAt` when it was revoked after this file was signed. */
  key: z.strictObject({ keyId: z.string(), proof: KeyProof, revokedAt: z.number().int().nullable() }),
  file: z.enum(["dcc", "pdf"]),
  certificate: CertificateSummary,
  /** For a certificate issued from a job: its results recomputed from the job's raw records, and found the same. */
  results: z
    .strictObject({
      job: Id,
      points: z.number().int(),
      records: z.number().int(),
      /** The rows are those recorded when the job ended; this server's version computes them otherwise. */
      asRecorded: z.literal(true).optional(),
    })
    .optional(),
});
export type VerifyCertificateResponse = z.infer<typeof VerifyCertificateResponse>;
