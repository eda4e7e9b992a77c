import { TelecalError } from "@telecal/protocols";

/**
 * A reply can be trusted only if the line was quiet around its query: when an instrument sends
 * lines nobody asked for, the first line after a query may be one of them and not the answer. So a
 * reply is refused, with a named error, if an unsolicited line came within `quietMs` before the
 * query was sent. (A single stray line inside an exchange still cannot be told from the answer;
 * it makes the next exchanges fail until the line is quiet again.)
 */
export class ChatterGuard {
  private lastHeard = -Infinity;

  constructor(private readonly quietMs = 500) {}

  heard(): void {
    this.lastHeard = Date.now();
  }

  check(sentAt: number, instrument: string, command: string, reply: string): TelecalError | null {
    if (this.lastHeard < sentAt - this.quietMs) return null;
    return new TelecalError("TC_ERR_INSTRUMENT_REPLY", {
      instrument,
      reply: `${JSON.stringify(reply.length > 40 ? `${reply.slice(0, 40)}…` : reply)} (not trusted: the instrument sends unsolicited lines)`,
      command,
    });
  }
}
