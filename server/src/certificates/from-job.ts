import { type ReferenceStandard, type ResultRow, TelecalError, type UserInfo } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { conformityDecisions, undecidedPoints } from "../jobs/conformity-decisions";
import { evidenceRows, jobEvidence } from "../jobs/evidence";
import { RegistryRepository } from "../registry/repository";
import type { Schema } from "../store/schema";
import { reportedRow } from "./reported-values";

/** What a job says of its certificate: everything the run and the registry know, never the request. */
export interface JobCertificateFields {
  job: string;
  mode: "verification" | "calibration";
  method: { code: string; title: string };
  procedure: { id: string; title: { zh: string; en: string } };
  /** The unit under test as registered, when the procedure binds it to an instrument. */
  item?: { name: { zh: string; en: string }; maker: string; model: string; serial: string };
  standards: ReferenceStandard[];
  environment?: { temperature: number; humidity?: number };
  performed: string;
  results: ResultRow[];
  hashes: string[];
  /** 校准员: the job's technician. 核验员: whoever approved the run's review, else the job's expert. */
  calibratorId: string;
  checkerId: string;
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * Reads a finished job of the approver's organisation and computes its certificate's part from its
 * raw records (jobs/evidence.ts) up to record `upTo` (the checkpoint the certificate will name): the
 * rows as the certificate states them, and every record they rest on, so that the signed file names
 * exactly what a verifier recomputes.
 */
export async function jobCertificateFields(db: Kysely<Schema>, jobId: string, approver: UserInfo, upTo: number): Promise<JobCertificateFields> {
  const row = await db.selectFrom("jobs").select(["organisation_id"]).where("id", "=", jobId).executeTakeFirst();
  const visible = row ? await new RegistryRepository(db).visibleOrganisations(approver.organisation.id) : [];
  if (!row || !visible.includes(row.organisation_id)) throw new TelecalError("TC_ERR_JOB_NOT_FOUND", { job: jobId });
  if (row.organisation_id !== approver.organisation.id) {
    throw new TelecalError("TC_ERR_JOB_FORBIDDEN", { who: `${approver.role} ${approver.username}`, what: "issue the certificate (the job's own laboratory issues it)", job: jobId });
  }
  const evidence = await jobEvidence(db, jobId, { upTo, live: true });
  const results = evidenceRows(evidence).map(reportedRow);
  // A 待定 point is issued only once an expert has recorded a decision on it (before the checkpoint named).
  const conditional = results.filter((r) => r.decision === "conditionalPass" || r.decision === "conditionalFail").map((r) => r.point);
  const undecided = conditional.length > 0 ? undecidedPoints(conditional, await conformityDecisions(db, jobId, upTo)) : [];
  if (undecided.length > 0) throw new TelecalError("TC_ERR_CERT_UNDECIDED", { job: jobId, points: `point${undecided.length > 1 ? "s" : ""} ${undecided.join(", ")}` });
  const { procedure, binding } = evidence;
  const usability = new Map(evidence.standards.map((u) => [u.instrumentId, u]));
  const instruments = new Map((await new RegistryRepository(db).instrumentsById(Object.values(binding).map((b) => b.instrumentId))).map((i) => [i.id, i]));
  const standards = procedure.equipment
    .filter((e) => e.traceable && binding[e.id])
    .map((e) => {
      const instrument = instruments.get(binding[e.id]!.instrumentId);
      const u = usability.get(binding[e.id]!.instrumentId);
      if (!instrument || !u?.certificateNumber || !u.dueOn) {
        throw new TelecalError("TC_ERR_JOB_BINDING", { equipment: e.id, reason: "the reference standard's certificate at the job's creation is not on record" });
      }
      return { name: e.name, maker: instrument.maker, model: instrument.model, serial: instrument.serial, certificateNumber: u.certificateNumber, dueOn: u.dueOn };
    });
  const uut = procedure.equipment.find((e) => e.role === "uut");
  const uutInstrument = uut && binding[uut.id] ? instruments.get(binding[uut.id]!.instrumentId) : undefined;
  const env = evidence.environment;
  const first = evidence.events[0]?.at ?? evidence.createdAt;
  return {
    job: jobId,
    mode: procedure.mode,
    method: procedure.regulation,
    procedure: { id: procedure.id, title: procedure.title },
    ...(uut && uutInstrument ? { item: { name: uut.name, maker: uutInstrument.maker, model: uutInstrument.model, serial: uutInstrument.serial } } : {}),
    standards,
    ...(env ? { environment: { temperature: env[0]!, ...(env[1] !== undefined ? { humidity: env[1] } : {}) } } : {}),
    performed: day(first),
    results,
    hashes: evidence.records.map((r) => r.hash),
    calibratorId: evidence.technicianId,
    checkerId: evidence.reviewerId ?? evidence.expertId,
  };
}
