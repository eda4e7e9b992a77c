import type { Logger } from "../log";
import type { Transport } from "../transports/transport";
import { LineExchange, type LineExchangeOptions } from "./line-exchange";
import type { DialectSession } from "./session";

/**
 * Readouts that answer every query with one line and take settings silently, and that may also
 * send readings by themselves (thermometer readouts with their serial feed on).
 */
export class LineSession implements DialectSession {
  private readonly lines: LineExchange;

  constructor(transport: Transport, options: LineExchangeOptions, log: Logger) {
    this.lines = new LineExchange(transport, options, log);
  }

  query(command: string, timeoutMs?: number): Promise<string> {
    return this.lines.query(command, timeoutMs);
  }

  set(command: string): Promise<void> {
    return this.lines.write(command);
  }

  get unsolicited(): number {
    return this.lines.unsolicited;
  }

  onUnsolicited(listener: (line: string) => void): void {
    this.lines.onUnsolicited(listener);
  }
}
