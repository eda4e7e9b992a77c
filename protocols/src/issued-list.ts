import { z } from "zod";
import { CertificateSummary } from "./certificates";

/** One entry of GET /api/certificates: the public summary, the job it came from, and when it was signed. */
export const IssuedListEntry = z.strictObject({
  certificate: CertificateSummary,
  /** The job whose raw records the results come from; null for a training certificate or given values. */
  job: z.string().nullable(),
  issuedAt: z.number(),
});
export type IssuedListEntry = z.infer<typeof IssuedListEntry>;

/** GET /api/certificates: the certificates of the caller's organisation, newest first; `?job=` one job's. */
export const IssuedList = z.strictObject({ certificates: z.array(IssuedListEntry) });
export type IssuedList = z.infer<typeof IssuedList>;

export const IssuedListQuery = z.strictObject({
  job: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type IssuedListQuery = z.infer<typeof IssuedListQuery>;
