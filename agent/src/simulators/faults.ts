import type { SimDefinition } from "./definition";

export type FaultKind = "busy" | "garbage" | "stall" | "drop";

/** Fault probabilities per message, and how long a busy instrument delays its reply. */
export type FaultRates = Record<FaultKind, number> & { busyDelayMs: number };

/**
 * Draws the faults a simulated instrument shows on a message: a stall (no reply), a dropped
 * connection, a line of garbage or a busy delay. Rates come from the definition; tests and
 * `telecal sim --fault` change them.
 */
export class FaultInjector {
  readonly rates: FaultRates;

  constructor(
    definition: SimDefinition,
    private readonly random: () => number,
  ) {
    this.rates = { ...definition.faults };
  }

  draw(): FaultKind | null {
    for (const kind of ["stall", "drop", "garbage", "busy"] as const) {
      if (this.rates[kind] > 0 && this.random() < this.rates[kind]) return kind;
    }
    return null;
  }

  /** 1 to 24 printable ASCII characters, as a confused instrument sends. */
  garbage(): string {
    let text = "";
    const length = 1 + Math.floor(this.random() * 24);
    for (let i = 0; i < length; i++) text += String.fromCharCode(0x21 + Math.floor(this.random() * 0x5e));
    return text;
  }
}
