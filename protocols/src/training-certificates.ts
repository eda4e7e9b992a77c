import { z } from "zod";
import { CertificateId, CertificatePerson, TrainingCertificateSummary } from "./certificates";
import { TrainingCriteria } from "./courses";
import { IsoDate } from "./registry";

/**
 * 培训证明 (training certificates, docs/courses.md): what one says, and the REST bodies of a course's
 * training progress and issue. Signed and verified as calibration certificates are (docs/certificates.md).
 */

const Text = (max: number) => z.string().trim().min(1).max(max);
const Hex32 = z.string().regex(/^[0-9a-f]{64}$/, "32 bytes, lowercase hex");
const Percent = z.number().min(0).max(100);

/** A trainee's standing over the whole course: presence within the lessons' times and quiz points. */
export const TrainingStanding = z.strictObject({
  presencePercent: Percent,
  score: z.number().int().nonnegative(),
  maxScore: z.number().int().nonnegative(),
  /** Null when the course's quizzes were worth no points. */
  scorePercent: Percent.nullable(),
});
export type TrainingStanding = z.infer<typeof TrainingStanding>;

/** Everything the PDF shows, and nothing else; stored as canonical JSON with the certificate. */
export const TrainingCertificateData = z.strictObject({
  id: CertificateId,
  number: Text(64),
  kind: z.literal("training-certificate"),
  trainee: CertificatePerson.extend({ username: Text(64) }),
  course: z.strictObject({ id: Text(64), title: Text(200) }),
  organisation: z.strictObject({ id: Text(64), name: Text(256) }),
  /** The course's lessons, each with the trainee's presence in it. */
  lessons: z.array(z.strictObject({ title: Text(200), startsAt: z.number().int(), endsAt: z.number().int(), presencePercent: Percent })),
  standing: TrainingStanding,
  criteria: TrainingCriteria,
  dates: z.strictObject({ issued: IsoDate }),
  /** A trainer of the course or an admin of its organisation; signs with their certificate key. */
  issuer: CertificatePerson.extend({ role: z.enum(["trainer", "admin"]) }),
  /** The checkpoint the signature names, and the course-criteria record the certificate was judged by. */
  records: z.strictObject({
    checkpoint: z.strictObject({ treeSize: z.number().int().positive(), rootHash: Hex32, keyId: Text(64) }),
    hashes: z.array(Hex32).min(1),
  }),
});
export type TrainingCertificateData = z.infer<typeof TrainingCertificateData>;

/** POST /api/courses/:id/training-certificates: the trainee, by username. */
export const IssueTrainingCertificateRequest = z.strictObject({ trainee: z.string().min(1).max(64) });
export type IssueTrainingCertificateRequest = z.infer<typeof IssueTrainingCertificateRequest>;

export const IssuedTrainingCertificate = z.strictObject({
  certificate: TrainingCertificateSummary,
  /** The signed PDFs, base64: Chinese (the certificate) and English. */
  pdf: z.string(),
  pdfEn: z.string(),
});
export type IssuedTrainingCertificate = z.infer<typeof IssuedTrainingCertificate>;

/** One enrolled trainee's standing, what they meet, and their certificate if issued. */
export const TrainingProgressRow = z.strictObject({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  standing: TrainingStanding,
  /** Null while the course has no criteria. */
  meets: z.strictObject({ presence: z.boolean(), score: z.boolean() }).nullable(),
  certificate: z.strictObject({ id: CertificateId, number: z.string() }).nullable(),
});
export type TrainingProgressRow = z.infer<typeof TrainingProgressRow>;

/** GET /api/courses/:id/training: the course's trainers and the admins of its organisation. */
export const TrainingProgress = z.strictObject({ courseId: z.string(), criteria: TrainingCriteria.nullable(), rows: z.array(TrainingProgressRow) });
export type TrainingProgress = z.infer<typeof TrainingProgress>;
