import { TelecalError } from "@telecal/protocols";
import type { Logger } from "../log";
import type { Transport } from "../transports/transport";
import { ChatterGuard } from "./chatter-guard";
import { CommandQueue } from "./command-queue";
import { LineFramer } from "./line-framer";
import { resync } from "./resync";

export interface LineExchangeOptions {
  /** Instrument id, named in every error. */
  name: string;
  terminator: string;
  timeoutMs: number;
}

interface Pending {
  resolve(line: string): void;
  reject(err: Error): void;
}

/**
 * Line-oriented request and reply over a transport: one exchange at a time, a timeout on each that
 * names the command and the instrument, a late reply to a timed-out command dropped rather than
 * given to the next one, and lines nobody asked for handed to `onUnsolicited` (self-sending
 * instruments) instead of being taken for a reply.
 */
export class LineExchange {
  private readonly queue = new CommandQueue();
  private readonly framer: LineFramer;
  private pending: Pending | null = null;
  private owed = 0;
  private unsolicitedListener: ((line: string) => void) | null = null;
  private readonly chatter = new ChatterGuard();
  private lastDataAt = -Infinity;
  private timedOutAt = 0;
  unsolicited = 0;

  constructor(
    private readonly transport: Transport,
    private readonly options: LineExchangeOptions,
    private readonly log: Logger,
  ) {
    this.framer = new LineFramer(options.terminator === "\r\n" ? "\n" : options.terminator);
    transport.on("data", (chunk) => this.onData(chunk));
    transport.on("down", () => {
      this.framer.reset();
      this.owed = 0;
      this.pending?.reject(this.closedError());
    });
  }

  onUnsolicited(listener: (line: string) => void): void {
    this.unsolicitedListener = listener;
  }

  /** Sends a command that gets no reply. */
  write(command: string): Promise<void> {
    // async so that a throw from send() (port closed) is a rejection, like every other failure here.
    // eslint-disable-next-line @typescript-eslint/require-await
    return this.queue.run(async () => this.send(command));
  }

  /** Sends a command and resolves with the next line, within the timeout. */
  query(command: string, timeoutMs = this.options.timeoutMs): Promise<string> {
    return this.queue.run(async () => {
      if (this.owed > 0) {
        await resync(this.timedOutAt, timeoutMs, () => this.lastDataAt);
        this.owed = 0;
        this.framer.reset();
      }
      return new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.pending = null;
            this.owed++;
            this.timedOutAt = Date.now();
            reject(new TelecalError("TC_ERR_INSTRUMENT_TIMEOUT", { instrument: this.options.name, command, ms: timeoutMs }));
          }, timeoutMs);
          this.pending = {
            resolve: (line) => {
              clearTimeout(timer);
              this.pending = null;
              const distrust = this.unsolicitedListener ? null : this.chatter.check(sentAt, this.options.name, command, line);
              if (distrust) reject(distrust);
              else resolve(line);
            },
            reject: (err) => {
              clearTimeout(timer);
              this.pending = null;
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
    });
  }

  private closedError(): TelecalError {
    return new TelecalError("TC_ERR_TRANSPORT_CLOSED", { instrument: this.options.name, target: this.transport.target });
  }

  private send(command: string): void {
    if (!this.transport.isUp) throw this.closedError();
    this.transport.write(command + this.options.terminator);
  }

  private onData(chunk: Buffer): void {
    this.lastDataAt = Date.now();
    const { lines, overflow } = this.framer.push(chunk);
    if (overflow) this.log.warn({}, "line longer than the limit was discarded");
    for (const raw of lines) {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (this.owed > 0) {
        this.owed--;
        this.log.debug({ line }, "late reply to a timed-out command dropped");
      } else if (this.pending) {
        this.pending.resolve(line);
      } else {
        this.unsolicited++;
        this.chatter.heard();
        if (this.unsolicitedListener) this.unsolicitedListener(line);
        else this.log.debug({ line }, "unsolicited line dropped");
      }
    }
  }
}
