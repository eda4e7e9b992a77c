import type { SimDefinition } from "./definition";

const NO_ERROR = '+0,"No error"';

/**
 * IEEE 488.2 status of one simulated SCPI instrument: the error queue (read by SYST:ERR?), the
 * Standard Event Status Register (set by errors, read and cleared by *ESR?) and the status byte.
 * Other dialects keep no queue: their errors are dropped.
 */
export class StatusRegisters {
  private readonly errors: string[] = [];
  private esr = 0;

  constructor(private readonly definition: SimDefinition) {}

  push(code: number, text: string): void {
    if (this.definition.dialect !== "scpi") return;
    // Command (-1xx), execution (-2xx), device (-3xx) and query (-4xx) errors set ESR bits 5, 4, 3, 2.
    const bit = { 1: 32, 2: 16, 3: 8, 4: 4 }[Math.floor(-code / 100)];
    if (bit !== undefined) this.esr |= bit;
    if (this.errors.length >= this.definition.errorQueueSize - 1) {
      this.errors.length = this.definition.errorQueueSize - 1;
      this.errors.push('-350,"Queue overflow"');
      return;
    }
    this.errors.push(`${code},"${text}"`);
  }

  /** The oldest error, removed from the queue; `+0,"No error"` once it is empty. */
  nextError(): string {
    return this.errors.shift() ?? NO_ERROR;
  }

  /** *RST empties the error queue and leaves the ESR. */
  clearQueue(): void {
    this.errors.length = 0;
  }

  /** *CLS empties the error queue and the ESR. */
  clear(): void {
    this.errors.length = 0;
    this.esr = 0;
  }

  /** *ESR? reads and clears the event register. */
  readEsr(): number {
    const esr = this.esr;
    this.esr = 0;
    return esr;
  }

  /** *STB?: bit 2 when the error queue is not empty, bit 5 when an event enabled by `eseMask` is set. */
  statusByte(eseMask: number): number {
    return (this.errors.length > 0 ? 4 : 0) | ((this.esr & eseMask) !== 0 ? 32 : 0);
  }
}
