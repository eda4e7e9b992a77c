import {
  AgentList,
  ConformityDecision,
  type ConformityDecisionRequest,
  type IssueCertificateRequest,
  IssuedCertificate,
  type CreateJobRequest,
  InstrumentList,
  Job,
  type JobEventRequest,
  JobList,
  JobRun,
  ProcedureList,
  WarningsResponse,
} from "@telecal/protocols";
import { request } from "./client";

/** The platform's REST resources the pages read and change; every answer checked against protocols/. */
export const api = {
  jobs: async () => JobList.parse(await request("GET", "/api/jobs")).jobs,
  jobRun: async (id: string) => JobRun.parse(await request("GET", `/api/jobs/${encodeURIComponent(id)}/run`)),
  createJob: async (body: CreateJobRequest) => Job.parse(await request("POST", "/api/jobs", body)),
  jobEvent: async (id: string, body: JobEventRequest) => Job.parse(await request("POST", `/api/jobs/${encodeURIComponent(id)}/events`, body)),
  decideConformity: async (id: string, body: ConformityDecisionRequest) =>
    ConformityDecision.parse(await request("POST", `/api/jobs/${encodeURIComponent(id)}/conformity-decisions`, body)),
  agents: async () => AgentList.parse(await request("GET", "/api/agents")).agents,
  instruments: async () => InstrumentList.parse(await request("GET", "/api/instruments")).instruments,
  warnings: async () => WarningsResponse.parse(await request("GET", "/api/registry/warnings")).warnings,
  procedures: async () => ProcedureList.parse(await request("GET", "/api/procedures")).procedures,
  issueCertificate: async (body: IssueCertificateRequest) => IssuedCertificate.parse(await request("POST", "/api/certificates", body)),
};
