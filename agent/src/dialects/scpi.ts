import { TelecalError } from "@telecal/protocols";
import type { Logger } from "../log";
import type { Transport } from "../transports/transport";
import { ChatterGuard } from "./chatter-guard";
import { CommandQueue } from "./command-queue";
import { resync } from "./resync";
import { ReplyFramer } from "./reply-framer";

export interface ScpiOptions {
  /** Name used in every error: the instrument id. */
  name: string;
  /** Sent after each command; replies end with it too ("\r\n" replies are accepted for "\n"). */
  terminator: string;
  timeoutMs: number;
  /** The query that reads the error queue; SYST:ERR? unless the instrument differs (Fluke 5522A: ERR?). */
  errorQuery?: string;
}

/** An instrument error read from its error queue, keeping the instrument's own code. */
export interface InstrumentError {
  code: number;
  text: string;
}

/** A reply is a line, or an IEEE 488.2 binary block that may hold the terminator byte. */
type ReplyKind = "line" | "block";

interface Pending {
  command: string;
  kind: ReplyKind;
  resolve(reply: string | Buffer): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** IEEE 488.2 / SCPI message exchange over any transport. */
export class ScpiSession {
  private readonly queue = new CommandQueue();
  private readonly framer: ReplyFramer;
  private pending: Pending | null = null;
  /** Replies still owed by the instrument to queries that timed out: they are dropped on arrival. */
  private owed: ReplyKind[] = [];
  unsolicited = 0;
  private readonly chatter = new ChatterGuard();
  private lastDataAt = -Infinity;
  private timedOutAt = 0;

  constructor(
    private readonly transport: Transport,
    private readonly options: ScpiOptions,
    private readonly log: Logger,
  ) {
    this.framer = new ReplyFramer(options.terminator);
    transport.on("data", (chunk) => this.onData(chunk));
    transport.on("down", (reason) => {
      this.framer.reset();
      this.owed = [];
      this.pending?.reject(
        new TelecalError("TC_ERR_TRANSPORT_CLOSED", { instrument: options.name, target: transport.target }),
      );
      this.log.debug({ reason }, "link down");
    });
  }

  /** Sends a command that has no reply. */
  write(command: string): Promise<void> {
    // async so that a throw from send() (port closed) is a rejection, like every other failure here.
    // eslint-disable-next-line @typescript-eslint/require-await
    return this.queue.run(async () => this.send(command));
  }

  /** Sends a query and resolves with its reply line. */
  query(command: string, timeoutMs = this.options.timeoutMs): Promise<string> {
    return this.queue.run(() => this.exchange(command, timeoutMs, "line")) as Promise<string>;
  }

  /** Sends a query whose reply is an IEEE 488.2 binary block (`R?`, `CURV?`) and resolves with its bytes. */
  queryBlock(command: string, timeoutMs = this.options.timeoutMs): Promise<Buffer> {
    return this.queue.run(() => this.exchange(command, timeoutMs, "block")) as Promise<Buffer>;
  }

  /** Waits until the instrument has finished all pending operations (*OPC? answers 1). */
  async opc(timeoutMs = this.options.timeoutMs): Promise<void> {
    const reply = await this.query("*OPC?", timeoutMs);
    if (reply.trim() !== "1") {
      throw new TelecalError("TC_ERR_INSTRUMENT_REPLY", { instrument: this.options.name, reply: JSON.stringify(reply), command: "*OPC?" });
    }
  }

  /** Reads the error queue until the instrument says 0, and returns what it held. */
  async drainErrors(max = 32): Promise<InstrumentError[]> {
    const errors: InstrumentError[] = [];
    for (let i = 0; i < max; i++) {
      const errorQuery = this.options.errorQuery ?? "SYST:ERR?";
      const reply = await this.query(errorQuery);
      const parsed = parseScpiError(reply);
      if (!parsed) {
        throw new TelecalError("TC_ERR_INSTRUMENT_REPLY", {
          instrument: this.options.name,
          reply: JSON.stringify(reply),
          command: errorQuery,
        });
      }
      if (parsed.code === 0) break;
      errors.push(parsed);
    }
    return errors;
  }

  /** Writes a setting, then fails with the instrument's own code if the error queue is not empty. */
  async set(command: string): Promise<void> {
    await this.write(command);
    const errors = await this.drainErrors();
    const first = errors[0];
    if (first) {
      throw new TelecalError("TC_ERR_INSTRUMENT_ERROR", {
        instrument: this.options.name,
        code: first.code,
        text: JSON.stringify(first.text),
        command,
      });
    }
  }

  private send(command: string): void {
    if (!this.transport.isUp) {
      throw new TelecalError("TC_ERR_TRANSPORT_CLOSED", {
        instrument: this.options.name,
        target: this.transport.target,
      });
    }
    this.transport.write(command + this.options.terminator);
  }

  private async exchange(command: string, timeoutMs: number, kind: ReplyKind): Promise<string | Buffer> {
    if (this.owed.length > 0) {
      await resync(this.timedOutAt, timeoutMs, () => this.lastDataAt);
      this.owed = [];
      this.framer.reset();
    }
    return new Promise<string | Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        this.owed.push(kind);
        this.timedOutAt = Date.now();
        reject(
          new TelecalError("TC_ERR_INSTRUMENT_TIMEOUT", {
            instrument: this.options.name,
            command,
            ms: timeoutMs,
          }),
        );
      }, timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        this.pending = null;
      };
      this.pending = {
        command,
        kind,
        timer,
        resolve: (reply) => {
          settle();
          const distrust = typeof reply === "string" ? this.chatter.check(sentAt, this.options.name, command, reply) : null;
          if (distrust) reject(distrust);
          else resolve(reply);
        },
        reject: (err) => {
          settle();
          reject(err);
        },
      };
      const sentAt = Date.now();
      try {
        this.send(command);
      } catch (err) {
        this.pending.reject(err as Error);
      }
    });
  }

  private onData(chunk: Buffer): void {
    this.lastDataAt = Date.now();
    this.framer.push(chunk);
    const overflows = this.framer.overflows;
    for (;;) {
      const late = this.owed.length > 0;
      const kind = late ? this.owed[0]! : (this.pending?.kind ?? "line");
      if (kind === "block") {
        if (!this.takeBlock(late)) break;
        continue;
      }
      const line = this.framer.takeLine();
      if (line === null) break;
      if (late) {
        this.owed.shift();
        this.log.debug({ line }, "late reply to a timed-out query dropped");
      } else if (this.pending) {
        this.pending.resolve(line);
      } else {
        this.unsolicited++;
        this.chatter.heard();
        this.log.debug({ line }, "unsolicited line dropped");
      }
    }
    if (this.framer.overflows !== overflows) this.log.warn({}, "reply longer than the line limit was discarded");
  }

  /** Takes a block for the pending query (or drops a late one); false while it is incomplete. */
  private takeBlock(late: boolean): boolean {
    const command = late ? "(timed-out query)" : this.pending!.command;
    let block: Buffer | null;
    try {
      block = this.framer.takeBlock({ instrument: this.options.name, command });
    } catch (err) {
      // Not a block (an error reply, garbage): the rest of that reply up to its terminator is dropped.
      if (late) this.owed.shift();
      else this.pending!.reject(err as Error);
      this.owed.unshift("line");
      return true;
    }
    if (block === null) return false;
    if (late) {
      this.owed.shift();
      this.log.debug({ bytes: block.length }, "late block to a timed-out query dropped");
    } else {
      this.pending!.resolve(block);
    }
    return true;
  }
}

/** Parses `-113,"Undefined header"` (SCPI error queue entry). */
export function parseScpiError(reply: string): InstrumentError | null {
  const match = /^\s*([+-]?\d+)\s*,\s*"(.*)"\s*$/.exec(reply);
  if (!match) return null;
  return { code: Number(match[1]), text: match[2] ?? "" };
}

/** SCPI's "no value" for overload (9.9E37) and NaN (9.91E37). */
export const SCPI_OVERLOAD = 9.9e37;

/** Parses an SCPI number; returns null for a reply that is not one. */
export function parseScpiNumber(reply: string): number | null {
  const text = reply.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  return Number(text);
}
