import { ConformityDecision, ConformityDecisionRequest, CreateJobRequest, Job, JobEventRequest, JobList, JobResults, JobRun, ProcedureList, RegistryIdParams as JobParams, type Role } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../auth/auth";
import { ANY_ROLE, authorize, principalOf } from "../auth/authorize";
import type { JobService } from "../jobs/service";

/** Who may start a job: the lab's admin, the technician at the bench, the supervising expert. */
export const JOB_CREATORS: ReadonlySet<Role> = new Set<Role>(["admin", "technician", "expert"]);
/** Who may answer a job's steps; the service checks that it is the job's own technician or expert. */
const JOB_PEOPLE: ReadonlySet<Role> = new Set<Role>(["technician", "expert"]);

/** Who records the decision on a conditional (待定) point: an expert (注册计量师). */
const DECIDERS: ReadonlySet<Role> = new Set<Role>(["expert"]);

/** Calibration jobs (docs/procedures.md). The service checks organisation and person itself. */
export function jobRoutes(auth: Auth, jobs: JobService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/jobs",
      {
        onRequest: authorize(auth, ANY_ROLE, "list jobs"),
        schema: { summary: "Jobs of the caller's organisation and of the stations it supervises", tags: ["jobs"], response: { 200: JobList } },
      },
      async (request) => ({ jobs: await jobs.list(principalOf(request).user) }),
    );

    app.post(
      "/api/jobs",
      {
        onRequest: authorize(auth, JOB_CREATORS, "start jobs"),
        schema: {
          summary: "Starts a job: the procedure, the agent's instruments for its equipment, its technician and expert",
          tags: ["jobs"],
          body: CreateJobRequest,
          response: { 201: Job },
        },
      },
      async (request, reply) => reply.status(201).send(await jobs.create(principalOf(request).user, request.body)),
    );

    app.get(
      "/api/jobs/:id",
      {
        onRequest: authorize(auth, ANY_ROLE, "read jobs"),
        schema: { summary: "One job and where its run stands", tags: ["jobs"], params: JobParams, response: { 200: Job } },
      },
      async (request) => jobs.get(principalOf(request).user, request.params.id),
    );

    app.get(
      "/api/jobs/:id/run",
      {
        onRequest: authorize(auth, ANY_ROLE, "read jobs"),
        schema: { summary: "One job with its procedure, the run's events and the people they name", tags: ["jobs"], params: JobParams, response: { 200: JobRun } },
      },
      async (request) => jobs.run(principalOf(request).user, request.params.id),
    );

    app.get(
      "/api/jobs/:id/results",
      {
        onRequest: authorize(auth, ANY_ROLE, "read jobs"),
        schema: { summary: "Every point's result, computed now from the job's raw records, and those records", tags: ["jobs"], params: JobParams, response: { 200: JobResults } },
      },
      async (request) => {
        const e = await jobs.evidence(principalOf(request).user, request.params.id);
        return { jobId: e.jobId, finished: e.finished, points: e.points, records: e.records };
      },
    );

    app.get(
      "/api/procedures",
      {
        onRequest: authorize(auth, ANY_ROLE, "list procedures"),
        schema: { summary: "The procedures a job can follow", tags: ["jobs"], response: { 200: ProcedureList } },
      },
      async () => ({ procedures: jobs.procedureList() }),
    );

    app.post(
      "/api/jobs/:id/events",
      {
        onRequest: authorize(auth, JOB_PEOPLE, "answer job steps"),
        schema: {
          summary: "The technician completes a people's step; the expert approves, sends back, holds or resumes",
          tags: ["jobs"],
          params: JobParams,
          body: JobEventRequest,
          response: { 200: Job },
        },
      },
      async (request) => jobs.addPeopleEvent(principalOf(request).user, request.params.id, request.body),
    );

    app.post(
      "/api/jobs/:id/conformity-decisions",
      {
        onRequest: authorize(auth, DECIDERS, "decide on conditional results"),
        schema: {
          summary: "An expert accepts or rejects, with a comment, a finished job's conditional (待定) point: its certificate needs one first",
          tags: ["jobs"],
          params: JobParams,
          body: ConformityDecisionRequest,
          response: { 201: ConformityDecision },
        },
      },
      async (request, reply) => reply.status(201).send(await jobs.decideConformity(principalOf(request).user, request.params.id, request.body)),
    );
  };
}
