import type { PlannedStep, RunEvent } from "@telecal/metrology";

/**
 * The people of a run: the technician confirms instructions, types entries and the environment;
 * the expert approves or sends back, holds and resumes. On a real job their words arrive from the
 * web through the server; in a demo they are played by code.
 */
export interface People {
  /** The event that ends a step only people can end (instruction, manual, environment, approval). */
  answer(step: PlannedStep): Promise<RunEvent>;
}
