import { ReadingFlag, TelecalError } from "@telecal/protocols";
import type { Logger } from "../log";
import type { Transport } from "../transports/transport";
import { LineExchange, type LineExchangeOptions } from "./line-exchange";
import type { DialectSession } from "./session";

/** MT-SICS error replies: the balance's own code is kept in the error. */
const ERROR_REPLIES: Readonly<Record<string, string>> = {
  ES: "syntax error: command not recognised",
  ET: "transmission error",
  EL: "logical error: command cannot be executed now",
};

/** A weight reply: "S S     100.0000 g", "S D ...", "S +", "S -", or "S I" (busy). */
export function parseMtSicsWeight(reply: string): { value: number | null; flags: number; unit: string } | null {
  const match = /^(?:S|SI|T|TA)\s+([SD+\-I])(?:\s+(-?\d+(?:\.\d+)?)\s+(\S+))?\s*$/.exec(reply.trim());
  if (!match) return null;
  const status = match[1]!;
  if (status === "+" || status === "-") return { value: null, flags: ReadingFlag.overload, unit: "" };
  if (status === "I" || match[2] === undefined) return null;
  return { value: Number(match[2]), flags: status === "D" ? ReadingFlag.unstable : 0, unit: match[3] ?? "" };
}

/**
 * Mettler Toledo Standard Interface Command Set: every command gets one reply line; "ES", "ET" and
 * "EL" are errors; "<cmd> I" means the balance cannot do it now; "<cmd> A" acknowledges.
 */
export class MtSicsSession implements DialectSession {
  private readonly lines: LineExchange;

  constructor(
    transport: Transport,
    private readonly options: LineExchangeOptions,
    log: Logger,
  ) {
    this.lines = new LineExchange(transport, options, log);
  }

  async query(command: string, timeoutMs?: number): Promise<string> {
    const reply = await this.lines.query(command, timeoutMs);
    const code = reply.trim();
    const text = ERROR_REPLIES[code];
    if (text !== undefined) {
      throw new TelecalError("TC_ERR_INSTRUMENT_ERROR", { instrument: this.options.name, code, text: JSON.stringify(text), command });
    }
    return reply;
  }

  async set(command: string): Promise<void> {
    const reply = (await this.query(command)).trim();
    const head = command.split(/\s+/)[0];
    if (reply === `${head} I` || reply === `${head} L`) {
      throw new TelecalError("TC_ERR_INSTRUMENT_ERROR", {
        instrument: this.options.name,
        code: reply.slice(-1),
        text: JSON.stringify(reply.endsWith("I") ? "busy" : "parameter not allowed"),
        command,
      });
    }
  }

  get unsolicited(): number {
    return this.lines.unsolicited;
  }

  onUnsolicited(listener: (line: string) => void): void {
    this.lines.onUnsolicited(listener);
  }
}
