import { NAMESPACE } from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import type { Server as IoServer } from "socket.io";
import type { JobService } from "../jobs/service";
import { agentRoom } from "./agent-namespace";

/**
 * An agent hears of its job as soon as it is created or moves on, not at its next hello. Only the
 * job that changed is read and sent; the whole list goes with each hello. Returns the unsubscribe.
 */
export function tellAgentsOfJobs(io: IoServer, jobs: JobService, log: FastifyBaseLogger): () => void {
  return jobs.onChange((agentId, jobId) => {
    void jobs
      .agentJob(jobId)
      .then((job) => job && io.of(NAMESPACE.agent).to(agentRoom(agentId)).emit("jobs", [job]))
      .catch((err: unknown) => log.warn({ agentId, err: String(err) }, "could not tell the agent of its jobs"));
  });
}
