import { CertificateData, type IssueCertificateRequest, TelecalError, validationError } from "@telecal/protocols";
import type { CertificateCheckpoint } from "./checkpoint";
import { documentKindOf } from "./document-kind";
import type { JobCertificateFields } from "./from-job";
import { reportedRow } from "./reported-values";

/** A certificate's data as far as it is known before the server fills in its part: not yet checked against the schema. */
export type Draft = Record<string, unknown> & { people?: Record<string, unknown>; records?: Record<string, unknown>; dates?: Record<string, unknown>; results?: unknown };

/** What only the server says of a certificate it issues. */
export interface ServerPart {
  id: string;
  number: string;
  /** The certificate this one amends. */
  replaces?: { id: string; number: string };
  /** The day of issue, YYYY-MM-DD. */
  issued: string;
  people: CertificateData["people"];
  hashes: unknown[];
  checkpoint: CertificateCheckpoint;
}

/**
 * The request's data without what only the server says: an amendment is named by the request's
 * `replaces` alone, and a job by the request's `job`, so that the server computes its results.
 */
export function requestedDraft(request: IssueCertificateRequest): Draft {
  const { replaces: _claimed, ...given } = request.data;
  void _claimed;
  const draft = given as Draft;
  if (request.job === undefined && draft["job"] !== undefined) {
    throw new TelecalError("TC_ERR_VALIDATION", { what: "certificate data", issues: "job: name the job as the request's `job`, so that the server computes its results" });
  }
  return draft;
}

/** The draft of a certificate of a job: what its run and the registry say is never taken from the request. */
export function jobDraft(draft: Draft, f: JobCertificateFields): Draft {
  const { job: _j, results: _r, records: _h, method: _m, mode: _o, procedure: _p, standards: _s, ...rest } = draft;
  void [_j, _r, _h, _m, _o, _p, _s];
  // 校准员 and 核验员 are the job's people: a request may name them only as they are.
  for (const [part, name, id] of [["calibrator", "校准员 calibrator (the job's technician)", f.calibratorId], ["checker", "核验员 checker (who approved the job's review)", f.checkerId]] as const) {
    const given = draft.people?.[part];
    if (given !== undefined && given !== id) throw new TelecalError("TC_ERR_CERT_PEOPLE", { part: name, username: typeof given === "string" ? given : JSON.stringify(given), reason: `a certificate of job ${f.job} names its ${part} from the job` });
  }
  return {
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
}

/** The certificate's data: the draft with the server's part, checked against the schema. */
export function certificateData(draft: Draft, server: ServerPart, fromJob: boolean): CertificateData {
  const candidate = {
    ...draft,
    id: server.id,
    number: server.number,
    ...(server.replaces ? { replaces: server.replaces } : {}),
    dates: { ...draft.dates, issued: server.issued },
    people: server.people,
    records: { hashes: server.hashes, checkpoint: server.checkpoint },
  };
  const parsed = CertificateData.safeParse(candidate);
  if (!parsed.success) throw validationError("certificate data", parsed.error);
  // Rows from a job are stated already (and a verifier recomputes exactly those); given rows are rounded here.
  const data = fromJob ? parsed.data : { ...parsed.data, results: parsed.data.results.map(reportedRow) };
  // A 检定结果通知书 (a point 不合格 or 待定) has no validity: a 有效期至 asked for is not stated.
  if (documentKindOf(data) === "verification-failure-notice" && data.dates.validUntil !== undefined) {
    const { validUntil: _dropped, ...dates } = data.dates;
    void _dropped;
    return { ...data, dates };
  }
  return data;
}
