import type { ProcedureDocument as Procedure, Step, TestPoint } from "@telecal/protocols";

/** One step of a run, in the order it runs: the procedure's steps with the per-point ones expanded. */
export interface PlannedStep {
  /** Unique in the run: `before/ID`, `POINT/ID` or `after/ID`. Events name steps by it. */
  key: string;
  index: number;
  step: Step;
  /** The test point this step belongs to; null before and after the points. */
  point: TestPoint | null;
  /** Values its completion carries: readings or entries (read, manual), temperature [and humidity] (environment). */
  count: number;
}

/** Values a step's completion carries: readings, typed entries, or temperature (and humidity). */
function countOf(procedure: Procedure, step: Step, point: TestPoint | null): number {
  if (step.kind === "read") return step.count ?? point?.readings ?? 1;
  if (step.kind === "manual") return step.count;
  if (step.kind === "environment") return procedure.environment.humidity ? 2 : 1;
  return 0;
}

/** Whether the bench does a step (the agent's runner, beside the instruments); people answer the others. */
export function isBenchStep(step: Step): boolean {
  return step.kind === "set" || step.kind === "read";
}

/** Whether a per-point step runs at a point: always, or when the point's function is one the step's `only` names. */
export function runsAt(step: Step, point: TestPoint): boolean {
  return step.only === undefined || (point.function !== undefined && step.only.includes(point.function));
}

/** The run's steps in order. Pure: the same procedure always gives the same plan. */
export function planOf(procedure: Procedure): PlannedStep[] {
  const plan: PlannedStep[] = [];
  const add = (prefix: string, step: Step, point: TestPoint | null) =>
    plan.push({ key: `${prefix}/${step.id}`, index: plan.length, step, point, count: countOf(procedure, step, point) });
  for (const step of procedure.steps.before) add("before", step, null);
  for (const point of procedure.points) {
    for (const step of procedure.steps.perPoint) if (runsAt(step, point)) add(point.id, step, point);
  }
  for (const step of procedure.steps.after) add("after", step, null);
  return plan;
}
