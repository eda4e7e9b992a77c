import type { SimDefinition, SimFunction } from "./definition";
import { compileHeader, formatScpiNumber, splitCommand, splitMessage } from "./scpi-header";
import type { z } from "zod";

type Fn = z.infer<typeof SimFunction>;

export interface SimEnvironment {
  /** Milliseconds; injected so that tests can run the clock. */
  now(): number;
  /** Uniform [0, 1). */
  random(): number;
}

const realEnvironment: SimEnvironment = { now: () => Date.now(), random: Math.random };

interface CompiledCommand {
  matcher: RegExp;
  command: SimDefinition["commands"][number];
  query: boolean;
}

/**
 * The result of one program message: reply (null for none) after `delayMs`. Reply text is a
 * latin1 string so that binary blocks pass unchanged: servers write it with the latin1 encoding
 * and append the definition's terminator. `close` asks the server to drop the connection (a fault).
 */
export interface SimReply {
  text: string | null;
  delayMs: number;
  close?: boolean;
}

/** Lines the instrument sends by itself (self-sending readouts) reach servers through `onOutput`. */
export type OutputListener = (text: string) => void;

const NO_ERROR = '+0,"No error"';

/**
 * The state machine of one simulated SCPI instrument: current function, error queue, signal.
 * Transport-free: servers feed it lines and write back what it returns.
 */
export class ScpiSimulator {
  private readonly commands: CompiledCommand[];
  private fn: string;
  private readonly errors: string[] = [];
  private readonly startedAt: number;
  private readonly outputListeners = new Set<OutputListener>();

  constructor(
    readonly definition: SimDefinition,
    private readonly env: SimEnvironment = realEnvironment,
  ) {
    this.commands = definition.commands.map((command) => ({
      matcher: compileHeader(command.header),
      command,
      query: command.header.endsWith("?"),
    }));
    this.fn = definition.initialFunction;
    this.startedAt = env.now();
  }

  /** Subscribes to unsolicited output; returns the way to unsubscribe. */
  onOutput(listener: OutputListener): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  protected emitOutput(text: string): void {
    for (const listener of this.outputListeners) listener(text);
  }

  get currentFunction(): string {
    return this.fn;
  }

  /** Handles one line (possibly several ';'-separated commands). */
  handle(line: string): SimReply {
    const replies: string[] = [];
    let delayMs = 0;
    for (const part of splitMessage(line)) {
      const { header, params } = splitCommand(part);
      const match = this.commands.find((c) => c.matcher.test(header));
      if (!match) {
        this.pushError(-113, "Undefined header");
        continue;
      }
      delayMs += match.command.delayMs;
      const reply = this.run(match, params);
      if (reply !== null) replies.push(reply);
    }
    return { text: replies.length > 0 ? replies.join(";") : null, delayMs };
  }

  private run({ command }: CompiledCommand, params: string[]): string | null {
    switch (command.do) {
      case "identity":
        return this.definition.identity;
      case "reset":
        this.fn = this.definition.initialFunction;
        this.errors.length = 0;
        return null;
      case "clear":
        this.errors.length = 0;
        return null;
      case "reply":
        return command.text ?? "";
      case "noop":
        return null;
      case "error-next":
        return this.errors.shift() ?? NO_ERROR;
      case "configure":
        this.configure(command.function!, params);
        return null;
      case "configure-query":
        return `"${this.fn}"`;
      case "measure":
        if (!this.configure(command.function!, params)) return null;
        return this.read();
      case "read":
        return this.read();
      case "read-block":
        return this.readBlock(params);
      default: {
        const never: never = command.do;
        throw new Error(`unhandled action ${String(never)}`);
      }
    }
  }

  private configure(name: string, params: string[]): boolean {
    const fn = this.definition.functions[name] as Fn;
    const range = params[0];
    if (range !== undefined && !/^(AUTO|DEF|DEFAULT|MIN|MAX)$/i.test(range)) {
      const value = Number(range);
      if (!Number.isFinite(value)) {
        this.pushError(-104, "Data type error");
        return false;
      }
      if (Math.abs(value) > fn.maxRange * 1.2) {
        this.pushError(-222, "Data out of range");
        return false;
      }
    }
    this.fn = name;
    return true;
  }

  private read(): string {
    const fn = this.definition.functions[this.fn] as Fn;
    const value = this.signal(fn);
    return formatScpiNumber(Math.abs(value) > fn.maxRange * 1.2 ? 9.9e37 : value);
  }

  /**
   * N readings as an IEEE 488.2 definite-length block of big-endian float64 ("#216<16 bytes>"),
   * as the 34465A sends after FORM REAL,64.
   */
  private readBlock(params: string[]): string {
    const count = Math.max(1, Math.min(10_000, Number(params[0] ?? 1) || 1));
    const fn = this.definition.functions[this.fn] as Fn;
    const bytes = Buffer.alloc(count * 8);
    for (let i = 0; i < count; i++) bytes.writeDoubleBE(this.signal(fn), i * 8);
    const length = String(bytes.length);
    return `#${length.length}${length}${bytes.toString("latin1")}`;
  }

  private signal(fn: Fn): number {
    const hours = (this.env.now() - this.startedAt) / 3_600_000;
    return fn.signal.nominal + fn.signal.driftPerHour * hours + fn.signal.noise * this.gaussian();
  }

  /** Box-Muller: a standard normal deviate from two uniforms. */
  private gaussian(): number {
    const u = 1 - this.env.random();
    const v = this.env.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private pushError(code: number, text: string): void {
    if (this.errors.length >= this.definition.errorQueueSize - 1) {
      this.errors.length = this.definition.errorQueueSize - 1;
      this.errors.push('-350,"Queue overflow"');
      return;
    }
    this.errors.push(`${code},"${text}"`);
  }
}
