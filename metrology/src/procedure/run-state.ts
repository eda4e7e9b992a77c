import { type RunEvent, TelecalError } from "@telecal/protocols";
import type { PlannedStep } from "./plan";

/** What happened in a run, in order (protocols/run-events.ts). A run's state is a fold of these over its plan. */
export type { RunEvent } from "@telecal/protocols";

export interface RunState {
  /** The step waiting to be done, or null when the run is finished. */
  next: PlannedStep | null;
  finished: boolean;
  /**
   * An expert's hold, or the bench's when one of its steps failed: no new step starts until the
   * expert resumes. The step under way when the hold came may still complete (an instrument
   * mid-exchange is not torn off).
   */
  held: boolean;
  /** The values of each done step (readings or typed entries), by step key; the latest attempt. */
  values: Map<string, number[]>;
  /** Approvals given, by step key. */
  approvals: Map<string, { by: string; at: number; comment?: string }>;
}

function refuse(step: string, reason: string): TelecalError {
  return new TelecalError("TC_ERR_STEP_OUT_OF_ORDER", { step, reason });
}

/** Applies one event; throws TC_ERR_STEP_OUT_OF_ORDER for one that does not fit the state. */
export function applyRunEvent(plan: PlannedStep[], state: RunState, event: RunEvent): RunState {
  if (event.kind === "held" || event.kind === "resumed") {
    if (state.finished) throw refuse("-", "the run is finished");
    // The bench holds the run when a step of its own fails; a person's hold may have come first.
    if (event.kind === "held" && state.held && event.by.startsWith("agent:")) return state;
    if ((event.kind === "held") === state.held) throw refuse("-", event.kind === "held" ? "the run is already held" : "the run is not held");
    return { ...state, held: event.kind === "held" };
  }
  const next = state.next;
  if (next === null) throw refuse(event.step, "the run is finished");
  if (event.step !== next.key) throw refuse(event.step, `the step waiting is ${next.key}`);
  const isApproval = next.step.kind === "approval";
  if (event.kind === "completed") {
    if (isApproval) throw refuse(event.step, "an approval step is approved or sent back, not completed");
    const values = event.values ?? [];
    if (values.length !== next.count) throw refuse(event.step, `expected ${next.count} value(s), got ${values.length}`);
    if (values.some((v) => !Number.isFinite(v))) throw refuse(event.step, "values must be finite numbers");
    return advance(plan, { ...state, values: new Map(state.values).set(next.key, values) }, next.index + 1);
  }
  if (!isApproval) throw refuse(event.step, `only an approval step takes '${event.kind}'`);
  if (event.kind === "approved") {
    const approvals = new Map(state.approvals).set(next.key, { by: event.by, at: event.at, ...(event.comment ? { comment: event.comment } : {}) });
    return advance(plan, { ...state, approvals }, next.index + 1);
  }
  const target = plan.find((p) => p.key === event.to);
  if (!target || target.index >= next.index) throw refuse(event.step, `can only send back to an earlier step, not ${event.to}`);
  return advance(plan, state, target.index);
}

function advance(plan: PlannedStep[], state: RunState, index: number): RunState {
  const next = plan[index] ?? null;
  return { ...state, next, finished: next === null };
}

/** The state after `events`, from the start of the plan. */
export function runState(plan: PlannedStep[], events: readonly RunEvent[]): RunState {
  let state: RunState = { next: plan[0] ?? null, finished: plan.length === 0, held: false, values: new Map(), approvals: new Map() };
  for (const event of events) state = applyRunEvent(plan, state, event);
  return state;
}
