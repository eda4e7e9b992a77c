import { ReadingFlag, TelecalError } from "@telecal/protocols";
import { parseScpiNumber, SCPI_OVERLOAD, ScpiSession } from "./dialects/scpi";
import type { DriverDefinition, MeasurementDefinition } from "./drivers/definition";
import type { Logger } from "./log";
import type { Transport } from "./transports/transport";

export interface Identity {
  maker: string;
  model: string;
  serial: string;
  firmware: string;
}

export interface RawReading {
  value: number | null;
  flags: number;
}

/** Parses a 488.2 *IDN? reply: maker, model, serial, firmware. */
export function parseIdentity(reply: string): Identity {
  const [maker = "", model = "", serial = "", firmware = ""] = reply.split(",").map((s) => s.trim());
  return { maker, model, serial, firmware };
}

/** One SCPI instrument driven through its driver definition. */
export class ScpiInstrument {
  readonly session: ScpiSession;
  private configured: string | null = null;

  constructor(
    readonly id: string,
    readonly driver: DriverDefinition,
    readonly transport: Transport,
    log: Logger,
  ) {
    this.session = new ScpiSession(
      transport,
      { name: id, terminator: driver.transport.terminator, timeoutMs: driver.transport.timeoutMs },
      log,
    );
    transport.on("down", () => {
      this.configured = null;
    });
  }

  measurement(name: string): MeasurementDefinition {
    const m = this.driver.measurements[name];
    if (!m) throw new TelecalError("TC_ERR_UNKNOWN_DRIVER", { name: `${this.driver.name}.${name}` });
    return m;
  }

  async identify(): Promise<Identity> {
    const reply = await this.session.query("*IDN?");
    return parseIdentity(reply);
  }

  /** Configures the measurement if it is not the current one, then reads one value. */
  async read(name: string): Promise<RawReading> {
    const m = this.measurement(name);
    if (this.configured !== name && m.configure) {
      await this.session.set(m.configure);
      this.configured = name;
    }
    const reply = await this.session.query(m.read);
    const value = parseScpiNumber(reply);
    if (value === null) {
      throw new TelecalError("TC_ERR_INSTRUMENT_REPLY", {
        instrument: this.id,
        reply: JSON.stringify(reply),
        command: m.read,
      });
    }
    if (Math.abs(value) >= SCPI_OVERLOAD) return { value: null, flags: ReadingFlag.overload };
    return { value, flags: 0 };
  }
}
