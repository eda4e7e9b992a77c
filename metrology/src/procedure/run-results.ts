import type { RunEvent } from "@telecal/protocols";
import { planOf } from "./plan";
import { pointInputs } from "./point-inputs";
import { pointMeasured, type PointResult, pointResult } from "./point-result";
import { runState } from "./run-state";
import type { Procedure } from "./schema";

/**
 * Every point's result from a run's events alone: what the screen shows, what the server records at
 * the end of a job, and what a verifier recomputes from the raw records. Pure.
 */
export function runResults(procedure: Procedure, events: readonly RunEvent[]): { finished: boolean; points: PointResult[] } {
  const plan = planOf(procedure);
  const state = runState(plan, events);
  const points = pointInputs(procedure, plan, state).map((p) => pointResult(procedure, p, pointMeasured(plan, state, p.point.id)));
  return { finished: state.finished, points };
}
