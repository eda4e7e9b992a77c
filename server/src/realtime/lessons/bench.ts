import type { LessonBenchLive } from "@telecal/protocols";
import type { JobService } from "../../jobs/service";
import type { RegistryRepository } from "../../registry/repository";
import type { AgentsView } from "../agents-view";

/** A lesson's bench as its room sees it; the lesson has checked who asks. */
export type LessonBenchSource = (agentId: string, procedureId: string) => Promise<LessonBenchLive>;

/**
 * The bench from what viewers of its organisation would see (every process's hub, in a cluster),
 * cut down to that one agent: its summary and its streams' history, and the demonstration job.
 */
export function lessonBenchSource(view: AgentsView, registry: RegistryRepository, jobs: JobService): LessonBenchSource {
  return async (agentId, procedureId) => {
    const organisation = await registry.agentOrganisation(agentId);
    const snapshot = organisation === undefined ? null : await view.snapshot(new Set([organisation]));
    const prefix = `${agentId}:`;
    const history = Object.fromEntries(Object.entries(snapshot?.history ?? {}).filter(([key]) => key.startsWith(prefix)));
    const found = await jobs.demonstration(agentId, procedureId);
    const job = found?.job;
    return {
      agentId,
      procedureId,
      agent: snapshot?.agents.find((a) => a.agentId === agentId) ?? null,
      history,
      job: found && job ? { id: job.id, status: job.status, next: job.next, nextKind: job.nextKind, done: job.done, steps: job.steps, procedure: found.procedure } : null,
    };
  };
}
