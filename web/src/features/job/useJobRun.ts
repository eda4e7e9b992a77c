import { type PlannedStep, planOf, pointInputs, pointMeasured, type PointResult, pointResult, Procedure, type RunState, runState } from "@telecal/metrology";
import type { JobRun } from "@telecal/protocols";
import { useMemo } from "react";
import { api } from "../../api/platform";
import { usePolled } from "../../api/usePolled";

export interface JobView {
  run: JobRun;
  procedure: Procedure;
  plan: PlannedStep[];
  state: RunState;
  results: PointResult[];
  /** A person's name by the run's `by` (`user:<id>`, `agent:<id>`). */
  nameOf: (by: string) => string;
}

/**
 * A job's run as the server holds it, read again when the session says it changed (and every
 * RUN_FALLBACK_MS in case a push was lost with a link), folded here with the same metrology code
 * the agent and the server use: the step machine and the point results are computed, not sent.
 */
/** How often the run is read when no push comes: the session's `session:run` is what moves the page. */
const RUN_FALLBACK_MS = 15_000;

export function useJobRun(id: string) {
  const polled = usePolled(() => api.jobRun(id), RUN_FALLBACK_MS);
  const view = useMemo((): JobView | undefined => {
    const run = polled.data;
    if (!run) return undefined;
    const procedure = Procedure.parse(run.procedure);
    const plan = planOf(procedure);
    const state = runState(plan, run.events);
    const people = new Map(run.people.map((p) => [`user:${p.id}`, p.displayName || p.username]));
    return {
      run,
      procedure,
      plan,
      state,
      results: pointInputs(procedure, plan, state).map((p) => pointResult(procedure, p, pointMeasured(plan, state, p.point.id))),
      nameOf: (by) => people.get(by) ?? by.replace(/^agent:/, ""),
    };
  }, [polled.data]);
  return { view, error: polled.error, refresh: polled.refresh };
}
