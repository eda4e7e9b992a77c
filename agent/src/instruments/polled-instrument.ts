import { type InstrumentDescriptor, type InstrumentRole, TelecalError } from "@telecal/protocols";
import { createSession } from "../dialects/factory";
import type { DialectSession } from "../dialects/session";
import type { DriverDefinition, MeasurementDefinition } from "../drivers/definition";
import { PARSERS, type ParsedValue } from "../drivers/parsers";
import type { Logger } from "../log";
import { CLOSED_BY_AGENT, type Transport } from "../transports/transport";
import type { InstrumentEvents, InstrumentRuntime } from "./runtime";

export interface Identity {
  maker: string;
  model: string;
  serial: string;
  firmware: string;
}

/** Parses a 488.2 *IDN? reply: maker, model, serial, firmware. */
export function parseIdentity(reply: string): Identity {
  const [maker = "", model = "", serial = "", firmware = ""] = reply.split(",").map((s) => s.trim());
  return { maker, model, serial, firmware };
}

/** The quoted text of an MT-SICS information reply: 'I2 A "XPR205 Excellence 220 g"'. */
function quoted(reply: string): string {
  return /"([^"]*)"/.exec(reply)?.[1]?.trim() ?? reply.trim();
}

/** How long a reading is held to see whether the instrument talks out of turn right after it. */
const CONFIRM_MS = 20;

export interface PolledOptions {
  id: string;
  role: InstrumentRole;
  measurement: string;
  intervalMs: number;
}

/**
 * An instrument that answers when asked: the agent configures the measurement, then reads it at
 * its interval. A failure is logged once per kind, not at every sample, and sampling goes on.
 */
export class PolledInstrument implements InstrumentRuntime {
  readonly id: string;
  readonly session: DialectSession;
  private configured: string | null = null;
  private identity: Identity | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private lastError: string | null = null;
  private events: InstrumentEvents | null = null;
  /** The sample being taken now, so that stop() returns only when no reading can follow it. */
  private sampling: Promise<void> | null = null;
  /** The measurement sampled now; a read step of another one switches it (use()). */
  private current: string;
  /**
   * Measurements whose streams describe() lists: the configured one, then each one sampled since,
   * in order. A stream stays once announced: readings of it may still wait in the outbox, and the
   * server refuses a batch of a stream the latest hello does not name. Every measurement of the
   * driver would do that too, but would show viewers streams that never get a reading.
   */
  private readonly announced: string[];
  /**
   * Configure-and-read is one exchange: a switch of measurement waits for the sample under way, so
   * no READ? of one function is answered after the CONF of the other.
   */
  private exclusive: Promise<unknown> = Promise.resolve();

  constructor(
    readonly driver: DriverDefinition,
    readonly transport: Transport,
    private readonly options: PolledOptions,
    private readonly log: Logger,
  ) {
    this.id = options.id;
    this.session = createSession(driver, transport, { name: options.id }, log);
    this.measurement(options.measurement);
    this.current = options.measurement;
    this.announced = [options.measurement];
    transport.on("down", (reason) => {
      this.configured = null;
      this.log[reason === CLOSED_BY_AGENT ? "info" : "warn"]({ target: transport.target, reason }, "instrument link down");
    });
    transport.on("up", () => {
      this.log.info({ target: transport.target }, "instrument link up");
      void this.identify();
    });
  }

  /** The stream of the measurement sampled now. */
  get streamId(): string {
    return this.streamOf(this.current);
  }

  /** The measurement of the agent's config (or the driver's default): a read step naming none reads it. */
  get configuredMeasurement(): string {
    return this.options.measurement;
  }

  private streamOf(measurement: string): string {
    return `${this.id}.${measurement}`;
  }

  measurement(name: string): MeasurementDefinition {
    const m = this.driver.measurements[name];
    if (!m) throw new TelecalError("TC_ERR_UNKNOWN_DRIVER", { name: `${this.driver.name}.${name}` });
    return m;
  }

  describe(): InstrumentDescriptor {
    return {
      id: this.id,
      driver: this.driver.name,
      role: this.options.role,
      maker: this.identity?.maker ?? "",
      model: this.identity?.model ?? "",
      serial: this.identity?.serial ?? "",
      firmware: this.identity?.firmware ?? "",
      streams: this.announced.map((name) => {
        const m = this.measurement(name);
        return { id: this.streamOf(name), quantity: m.quantity, unit: m.unit };
      }),
    };
  }

  start(events: InstrumentEvents): void {
    this.events = events;
    this.running = true;
    this.transport.open();
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.transport.close();
    // A sample in its confirm window would otherwise hand a reading over after stop() returned.
    await this.sampling;
  }

  /**
   * Lists the stream of `name` without sampling it: readings of it from before a restart still wait
   * in the outbox, and the server takes only streams the hello names. False for no such measurement.
   */
  announce(name: string): boolean {
    if (!(name in this.driver.measurements)) return false;
    if (!this.announced.includes(name)) {
      this.announced.push(name);
      this.events?.changed();
    }
    return true;
  }

  /**
   * Samples `name` from now on: configures the instrument for it (when the link is up; otherwise
   * the first sample does), and announces its stream if it is new (events.changed(): the agent
   * says hello again). A sample under way finishes first and its reading keeps its own stream.
   */
  async use(name: string): Promise<void> {
    const m = this.measurement(name);
    await this.exclusively(async () => {
      if (this.current === name) return;
      if (this.transport.isUp && this.configured !== name && m.configure) {
        await this.session.set(m.configure);
        this.configured = name;
      }
      this.current = name;
      this.announce(name);
    });
  }

  /** Configures the measurement if it is not the current one, then reads one value. */
  read(name: string): Promise<ParsedValue> {
    return this.exclusively(() => this.readNow(name));
  }

  private exclusively<T>(task: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(task, task);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  private async readNow(name: string): Promise<ParsedValue> {
    const m = this.measurement(name);
    if (this.configured !== name && m.configure) {
      await this.session.set(m.configure);
      this.configured = name;
    }
    const reply = await this.session.query(m.read);
    const parsed = PARSERS[m.parse]?.(reply) ?? null;
    if (parsed === null) {
      throw new TelecalError("TC_ERR_INSTRUMENT_REPLY", { instrument: this.id, reply: JSON.stringify(reply), command: m.read });
    }
    return parsed;
  }

  /**
   * Sets a property of the driver: the value is checked against the driver's limits before any
   * byte is sent (the third gate of DESIGN.md), then the instrument's own answer is checked.
   */
  async setProperty(name: string, value: number | string): Promise<void> {
    const spec = this.driver.properties[name];
    if (!spec?.set) throw new TelecalError("TC_ERR_UNKNOWN_DRIVER", { name: `${this.driver.name}.${name}` });
    const bad = (reason: string) =>
      new TelecalError("TC_ERR_VALIDATION", { what: `${this.id}.${name} = ${value}`, issues: reason });
    if (spec.values) {
      if (!spec.values.includes(String(value).toUpperCase())) throw bad(`one of ${spec.values.join(", ")}`);
      value = String(value).toUpperCase();
    } else {
      if (typeof value !== "number" || !Number.isFinite(value)) throw bad("a finite number");
      if (spec.min !== undefined && value < spec.min) throw bad(`at least ${spec.min}`);
      if (spec.max !== undefined && value > spec.max) throw bad(`at most ${spec.max}`);
    }
    await this.session.set(spec.set.replaceAll("{value}", String(value)));
  }

  /** Reads a property back through its `get` query and parser. */
  async getProperty(name: string): Promise<ParsedValue | string> {
    const spec = this.driver.properties[name];
    if (!spec?.get) throw new TelecalError("TC_ERR_UNKNOWN_DRIVER", { name: `${this.driver.name}.${name}` });
    const reply = await this.session.query(spec.get);
    if (spec.values) return reply.trim();
    const parsed = PARSERS[spec.parse]?.(reply) ?? null;
    if (parsed === null) {
      throw new TelecalError("TC_ERR_INSTRUMENT_REPLY", { instrument: this.id, reply: JSON.stringify(reply), command: spec.get });
    }
    return parsed;
  }

  async identify(): Promise<Identity | null> {
    const query = this.driver.identity?.query;
    if (!query) return null;
    const spec = this.driver.identity!;
    try {
      const reply = await this.session.query(query);
      const identity =
        spec.parse === "mt-sics"
          ? { maker: "Mettler Toledo", model: quoted(reply), serial: "", firmware: "" }
          : parseIdentity(reply);
      if (spec.serialQuery) identity.serial = quoted(await this.session.query(spec.serialQuery));
      if (!new RegExp(spec.match, "i").test(spec.parse === "idn" ? `${identity.maker},${identity.model},` : reply)) {
        this.log.warn({ identity }, "instrument does not match its driver");
      }
      const changed = JSON.stringify(identity) !== JSON.stringify(this.identity);
      this.identity = identity;
      if (changed) this.events?.changed();
      return identity;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "identify failed");
      return null;
    }
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.sampling = this.sample().finally(() => {
        this.sampling = null;
      });
    }, delayMs);
  }

  private async sample(): Promise<void> {
    const started = Date.now();
    if (this.transport.isUp && this.events) {
      // The measurement is fixed when the exchange starts: a switch meanwhile waits for it, and its
      // reading goes to the stream of the function that took it, never the new one.
      let name = this.current;
      try {
        const reading = await this.exclusively(() => {
          name = this.current;
          return this.readNow(name);
        });
        const t = this.events.now();
        const heard = this.session.unsolicited;
        // A stray line taken for the reply shows itself when the real reply arrives just after:
        // hold the reading a moment and drop it if the instrument said anything unasked meanwhile.
        await new Promise((resolve) => setTimeout(resolve, Math.min(CONFIRM_MS, this.options.intervalMs)));
        if (this.session.unsolicited !== heard) {
          throw new TelecalError("TC_ERR_INSTRUMENT_REPLY", {
            instrument: this.id,
            reply: "(not trusted: unsolicited lines arrived right after it)",
            command: this.measurement(name).read,
          });
        }
        // Stopped meanwhile: the reading was taken before stop, but whoever stopped us counts on none after.
        if (!this.running) return;
        this.events.reading(this.streamOf(name), this.measurement(name).unit, { t, ...reading });
        this.lastError = null;
      } catch (err) {
        const message = (err as Error).message;
        if (message !== this.lastError) this.log.warn({ err: message }, "read failed");
        this.lastError = message;
      }
    }
    this.schedule(Math.max(0, this.options.intervalMs - (Date.now() - started)));
  }
}
