import type { SimDefinition } from "./definition";
import { InstrumentSimulator, type SimEnvironment } from "./engine";

/**
 * Simulators that run in one process and see each other: a DMM whose signal names the calibrator
 * as its source reads what the calibrator outputs.
 */
export class SimulatorGroup {
  private readonly members = new Map<string, InstrumentSimulator>();

  constructor(private readonly base: Omit<SimEnvironment, "peer"> = { now: () => Date.now(), random: Math.random }) {}

  add(definition: SimDefinition): InstrumentSimulator {
    const sim = new InstrumentSimulator(definition, { ...this.base, peer: (name) => this.members.get(name) });
    this.members.set(definition.name, sim);
    return sim;
  }

  get(name: string): InstrumentSimulator | undefined {
    return this.members.get(name);
  }

  dispose(): void {
    for (const sim of this.members.values()) sim.dispose();
  }
}
