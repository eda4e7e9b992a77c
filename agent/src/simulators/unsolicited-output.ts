import type { SimDefinition } from "./definition";
import type { PropertyValue } from "./signal";

/** Lines the instrument sends by itself (self-sending readouts) reach servers through `onOutput`. */
export type OutputListener = (text: string) => void;

/**
 * What a simulated instrument sends unasked, to every listener: lines it emits, and, while its
 * definition's `autoSend` setting holds and someone listens, a readout every `intervalMs`.
 */
export class UnsolicitedOutput {
  private readonly listeners = new Set<OutputListener>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly auto: SimDefinition["autoSend"],
    private readonly property: (name: string) => PropertyValue | undefined,
    /** The readout, in the autoSend format. */
    private readonly readout: (format: string) => string,
  ) {}

  /** Subscribes to unsolicited output; returns the way to unsubscribe. */
  subscribe(listener: OutputListener): () => void {
    this.listeners.add(listener);
    this.update();
    return () => {
      this.listeners.delete(listener);
      this.update();
    };
  }

  emit(text: string): void {
    for (const listener of this.listeners) listener(text);
  }

  /** Starts or stops the self-sending timer after a setting or the listeners changed. */
  update(): void {
    const auto = this.auto;
    const on = auto !== undefined && this.listeners.size > 0 && this.property(auto.property) === auto.equals;
    if (on && !this.timer) {
      this.timer = setInterval(() => this.emit(this.readout(auto.format)), auto.intervalMs);
      this.timer.unref();
    } else if (!on && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Stops the timer and drops every listener. */
  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
  }
}
