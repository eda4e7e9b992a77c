import type { SimCommand, SimDefinition } from "./definition";
import { type CompiledCommand, compileCommand } from "./command-matcher";
import { FaultInjector, type FaultRates } from "./faults";
import { Properties } from "./properties";
import { carriesUnit } from "./quantity-param";
import { formatScpiNumber, splitCommand, splitMessage } from "./scpi-header";
import { type PropertyValue, Signals } from "./signal";
import { StatusRegisters } from "./status-registers";
import { renderTemplate } from "./template";
import { type OutputListener, UnsolicitedOutput } from "./unsolicited-output";

export interface SimEnvironment {
  /** Milliseconds; injected so that tests can run the clock. */
  now(): number;
  /** Uniform [0, 1). */
  random(): number;
  /** Other simulators of the same process, for linked signals. */
  peer?(name: string): InstrumentSimulator | undefined;
}

const realEnvironment: SimEnvironment = { now: () => Date.now(), random: Math.random };

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

/**
 * The state machine of one simulated instrument: it dispatches each command of a message to its
 * action on the settings (properties.ts), current function, status (status-registers.ts), signals
 * (signal.ts) and faults (faults.ts). Transport-free: servers feed it lines and write back what it
 * returns. SCPI definitions split messages at ';' and match headers in short or long form; MT-SICS
 * and line definitions match whole commands.
 */
export class InstrumentSimulator {
  private readonly commands: CompiledCommand[];
  private fn: string;
  private readonly status: StatusRegisters;
  private readonly props: Properties;
  private readonly signals: Signals;
  private readonly faultInjector: FaultInjector;
  private readonly output: UnsolicitedOutput;
  /** Fault probabilities, from the definition; tests and `telecal sim --fault` change them. */
  readonly faults: FaultRates;

  constructor(
    readonly definition: SimDefinition,
    env: SimEnvironment = realEnvironment,
  ) {
    this.commands = definition.commands.map((command) => compileCommand(definition.dialect, command));
    this.fn = definition.initialFunction;
    this.status = new StatusRegisters(definition);
    const startedAt = env.now();
    this.faultInjector = new FaultInjector(definition, () => env.random());
    this.faults = this.faultInjector.rates;
    this.props = new Properties(definition, this.status);
    this.output = new UnsolicitedOutput(
      definition.autoSend,
      (name) => this.props.get(name),
      (format) => this.read({ header: "", do: "read", format, delayMs: 0 }),
    );
    // The signals' first targets follow the settings just reset; the start of drift is the time above.
    this.signals = new Signals(definition, this, env, startedAt);
  }

  get currentFunction(): string {
    return this.fn;
  }

  property(name: string): PropertyValue | undefined {
    return this.props.get(name);
  }

  /** Sets a property directly, as a hand on the bench would (a weight on the pan); validated. */
  setProperty(name: string, value: PropertyValue): boolean {
    if (!this.props.set(name, value)) return false;
    this.propertiesChanged();
    return true;
  }

  /** Subscribes to unsolicited output; returns the way to unsubscribe. */
  onOutput(listener: OutputListener): () => void {
    return this.output.subscribe(listener);
  }

  /** Sends a line by itself, unasked, as a readout in feed mode or a confused instrument does. */
  emit(text: string): void {
    this.output.emit(text);
  }

  /** Stops the self-sending timer; the simulator can be dropped after this. */
  dispose(): void {
    this.output.dispose();
  }

  /** Handles one line (for SCPI possibly several ';'-separated commands). */
  handle(line: string): SimReply {
    const fault = this.faultInjector.draw();
    if (fault === "stall") return { text: null, delayMs: 0 };
    if (fault === "drop") return { text: null, delayMs: 0, close: true };
    if (fault === "garbage") return { text: this.faultInjector.garbage(), delayMs: 0 };
    const replies: string[] = [];
    let delayMs = fault === "busy" ? this.faults.busyDelayMs : 0;
    const parts = this.definition.dialect === "scpi" ? splitMessage(line) : [line.trim()];
    for (const part of parts) {
      const scpi = this.definition.dialect === "scpi" ? splitCommand(part) : null;
      let params: string[] | null = null;
      const match = this.commands.find((c) => {
        const groups = c.matches(scpi ? scpi.header : part);
        const given = scpi && groups !== null ? scpi.params : groups;
        if (given === null || (c.command.paramUnit !== undefined && !carriesUnit(given[0], c.command.paramUnit))) return false;
        if (c.command.when !== undefined && this.props.get(c.command.when.property) !== c.command.when.equals) return false;
        params = given;
        return true;
      });
      if (!match || params === null) {
        if (this.definition.unknownReply !== undefined) replies.push(this.definition.unknownReply);
        else this.pushError(-113, "Undefined header");
        continue;
      }
      delayMs += match.command.delayMs;
      const reply = this.run(match.command, params);
      if (reply !== null) replies.push(reply);
    }
    return { text: replies.length > 0 ? replies.join(";") : null, delayMs };
  }

  private run(command: SimCommand, params: string[]): string | null {
    switch (command.do) {
      case "identity":
        return this.definition.identity;
      case "reset":
        this.fn = this.definition.initialFunction;
        this.status.clearQueue();
        this.props.reset();
        this.output.update();
        return command.format ?? null;
      case "clear":
        this.status.clear();
        return command.format ?? null;
      case "esr-query":
        return String(this.status.readEsr());
      case "stb-query":
        // The *ESE mask is the property "ese".
        return String(this.status.statusByte(Number(this.props.get("ese") ?? 255)));
      case "reply":
        return renderTemplate(command.format ?? "", this.props.fields());
      case "noop":
        return null;
      case "error-next":
        return this.status.nextError();
      case "configure":
        return this.configure(command.function!, params) ? (command.format ?? null) : this.rangeReply();
      case "configure-query":
        return `"${this.fn}"`;
      case "measure":
        if (!this.configure(command.function!, params)) return this.rangeReply();
        return this.read(command);
      case "read":
        return this.read(command);
      case "read-block":
        return this.readBlock(params);
      case "set":
        return this.set(command, params);
      case "get":
        return renderTemplate(command.format ?? `{${command.properties?.[0] ?? "value"}:E}`, this.props.fields());
      default: {
        const never: never = command.do;
        throw new Error(`unhandled action ${String(never)}`);
      }
    }
  }

  private set(command: SimCommand, params: string[]): string | null {
    const values: PropertyValue[] = command.value !== undefined ? [command.value] : params;
    if (!this.props.setAll(command.properties ?? [], values, command.defaults)) return this.rangeReply();
    this.propertiesChanged();
    return command.format !== undefined ? renderTemplate(command.format, this.props.fields()) : null;
  }

  private rangeReply(): string | null {
    return this.definition.rangeReply ?? null;
  }

  private configure(name: string, params: string[]): boolean {
    const fn = this.definition.functions[name]!;
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

  private read(command: SimCommand): string {
    const name = command.function ?? this.fn;
    const fn = this.definition.functions[name]!;
    const { value, stable } = this.signals.sample(name, fn);
    const over = Math.abs(value) > fn.maxRange * 1.2;
    if (over && command.overloadFormat !== undefined) return renderTemplate(command.overloadFormat, { sign: value > 0 ? "+" : "-" });
    const shown = over ? 9.9e37 : value;
    if (command.format === undefined) return formatScpiNumber(shown);
    return renderTemplate(command.format, { ...this.props.fields(), value: shown, stability: stable ? "S" : "D", unit: fn.unit });
  }

  /**
   * N readings as an IEEE 488.2 definite-length block of big-endian float64 ("#216<16 bytes>"),
   * as the 34465A sends after FORM REAL,64.
   */
  private readBlock(params: string[]): string {
    const count = Math.max(1, Math.min(10_000, Number(params[0] ?? 1) || 1));
    const fn = this.definition.functions[this.fn]!;
    const bytes = Buffer.alloc(count * 8);
    for (let i = 0; i < count; i++) bytes.writeDoubleBE(this.signals.sample(this.fn, fn).value, i * 8);
    const length = String(bytes.length);
    return `#${length.length}${length}${bytes.toString("latin1")}`;
  }

  /** A setting that moves a signal's true value starts its settling now, not at the next read. */
  private propertiesChanged(): void {
    this.signals.retarget();
    this.output.update();
  }

  private pushError(code: number, text: string): void {
    this.status.push(code, text);
  }
}
