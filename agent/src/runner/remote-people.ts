import type { PlannedStep, RunEvent } from "@telecal/metrology";
import type { People } from "./people";

/**
 * People who answer through the server: their events reach the agent in the server's job list
 * (already in the record log there) and end the step the runner waits on.
 */
export class RemotePeople implements People {
  private readonly arrived: RunEvent[] = [];
  private waiting: { step: string; resolve: (event: RunEvent) => void } | null = null;

  /** An event of people the server holds; kept until the runner waits for its step. */
  offer(event: RunEvent): void {
    if (event.kind === "held" || event.kind === "resumed") return;
    if (this.waiting && this.waiting.step === event.step) {
      const { resolve } = this.waiting;
      this.waiting = null;
      resolve(event);
      return;
    }
    this.arrived.push(event);
  }

  answer(step: PlannedStep): Promise<RunEvent> {
    const index = this.arrived.findIndex((e) => "step" in e && e.step === step.key);
    if (index >= 0) return Promise.resolve(this.arrived.splice(index, 1)[0]!);
    return new Promise((resolve) => (this.waiting = { step: step.key, resolve }));
  }
}
