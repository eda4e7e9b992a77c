import type { SimDefinition, SimFunction } from "./definition";

export type PropertyValue = number | string;

/** A simulator whose settings a signal can follow (itself, or a linked peer). */
export interface PropertySource {
  property(name: string): PropertyValue | undefined;
}

interface Settling {
  target: number;
  from: number;
  changedAt: number;
}

export interface SignalClock {
  now(): number;
  random(): number;
  peer?(name: string): PropertySource | undefined;
}

/**
 * The measured signals of one simulated instrument: each function's true value (its own nominal,
 * or a setting of this or a linked simulator), first-order settling after a change, drift and
 * Gaussian noise.
 */
export class Signals {
  private readonly settling = new Map<string, Settling>();
  /** `startedAt` is when drift starts (the simulator's creation). */
  constructor(
    private readonly definition: SimDefinition,
    private readonly self: PropertySource,
    private readonly env: SignalClock,
    private readonly startedAt: number,
  ) {
    for (const [name, fn] of Object.entries(definition.functions)) {
      const target = this.trueValue(fn);
      this.settling.set(name, { target, from: target, changedAt: -Infinity });
    }
  }

  /** The function's value now: true value (own or linked), settling, drift and noise. */
  sample(name: string, fn: SimFunction): { value: number; stable: boolean } {
    const now = this.env.now();
    const target = this.trueValue(fn);
    let state = this.settling.get(name);
    if (!state) {
      state = { target, from: target, changedAt: -Infinity };
      this.settling.set(name, state);
    }
    if (target !== state.target) {
      const current = approach(state, now, fn.signal.settleMs);
      this.settling.set(name, (state = { target, from: current, changedAt: now }));
    }
    const value = approach(state, now, fn.signal.settleMs);
    // Stable once what is left of the step is lost in the noise, as a balance's motion detector judges.
    const stable = Math.abs(value - state.target) <= Math.max(3 * fn.signal.noise, 1e-12 * Math.abs(state.target));
    const hours = (now - this.startedAt) / 3_600_000;
    const noise = fn.signal.noise + fn.signal.relNoise * Math.abs(value);
    return { value: value + fn.signal.driftPerHour * hours + noise * this.gaussian(), stable };
  }

  /** A setting that moves a signal's true value starts its settling now, not at the next read. */
  retarget(): void {
    const now = this.env.now();
    for (const [name, fn] of Object.entries(this.definition.functions)) {
      const state = this.settling.get(name);
      const target = this.trueValue(fn);
      if (state && target !== state.target) {
        this.settling.set(name, { target, from: approach(state, now, fn.signal.settleMs), changedAt: now });
      }
    }
  }

  private trueValue(fn: SimFunction): number {
    const source = fn.signal.source;
    if (!source) return fn.signal.nominal;
    const from = source.simulator === undefined ? this.self : this.env.peer?.(source.simulator);
    if (!from) return fn.signal.nominal;
    const conditions = source.when === undefined ? [] : Array.isArray(source.when) ? source.when : [source.when];
    if (conditions.some((c) => from.property(c.property) !== c.equals)) {
      return fn.signal.otherwise ?? fn.signal.nominal;
    }
    const value = Number(from.property(source.property));
    return Number.isFinite(value) ? value * (1 + fn.signal.gain) + fn.signal.offset : fn.signal.nominal;
  }

  /** Box-Muller: a standard normal deviate from two uniforms. */
  private gaussian(): number {
    const u = 1 - this.env.random();
    const v = this.env.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

function approach(state: Settling, now: number, settleMs: number): number {
  if (settleMs === 0 || now <= state.changedAt) return settleMs === 0 ? state.target : state.from;
  return state.target + (state.from - state.target) * Math.exp(-(now - state.changedAt) / settleMs);
}
