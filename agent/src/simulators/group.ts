import type { SimDefinition } from "./definition";
import { ScpiSimulator, type SimEnvironment } from "./engine";

/**
 * Simulators that run in one process and see each other: a DMM whose signal names the calibrator
 * as its source reads what the calibrator outputs.
 */
export class SimulatorGroup {
  private readonly members = new Map<string, ScpiSimulator>();

  constructor(private readonly base: Omit<SimEnvironment, "peer"> = { now: () => Date.now(), random: Math.random }) {}

  add(definition: SimDefinition): ScpiSimulator {
    const sim = new ScpiSimulator(definition, { ...this.base, peer: (name) => this.members.get(name) });
    this.members.set(definition.name, sim);
    return sim;
  }

  get(name: string): ScpiSimulator | undefined {
    return this.members.get(name);
  }

  dispose(): void {
    for (const sim of this.members.values()) sim.dispose();
  }
}
