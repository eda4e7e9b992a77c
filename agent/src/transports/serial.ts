import { EventEmitter } from "node:events";
import { type OpenOptions, SerialPortStream } from "@serialport/stream";
import { platformBinding, type SerialBinding } from "./serial-binding";
import type { SerialSettings } from "./serial-settings";
import { backoffDelay, CLOSED_BY_AGENT, type Transport } from "./transport";

export interface SerialOptions {
  /** /dev/ttyUSB0, /dev/serial/by-id/..., a pty link, COM3. */
  path: string;
  settings: SerialSettings;
  binding?: SerialBinding;
}

/** The open options serialport takes for our line settings. */
export function serialOpenOptions(path: string, settings: SerialSettings, binding: SerialBinding): OpenOptions {
  return {
    binding,
    path,
    autoOpen: false,
    baudRate: settings.baudRate,
    dataBits: settings.dataBits,
    parity: settings.parity,
    stopBits: settings.stopBits,
    rtscts: settings.flowControl === "rtscts",
    xon: settings.flowControl === "xonxoff",
    xoff: settings.flowControl === "xonxoff",
  };
}

/**
 * An RS-232 (or USB-serial, or pty) link to an instrument. A read or write error, an unplugged
 * adapter or a pty whose other side went away closes the port: that is reported as "down", and the
 * port is opened again with backoff until the path is back.
 */
export class SerialTransport extends EventEmitter implements Transport {
  readonly target: string;
  private readonly binding: SerialBinding;
  private port: SerialPortStream | null = null;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private closing = false;
  private up = false;
  private lastError = "";
  /** Settles when the current port's open attempt has succeeded or failed. */
  private opening: Promise<void> = Promise.resolve();

  constructor(private readonly options: SerialOptions) {
    super();
    this.target = options.path;
    this.binding = options.binding ?? platformBinding;
  }

  /** The line settings the port is opened with. */
  get settings(): SerialSettings {
    return this.options.settings;
  }

  get isUp(): boolean {
    return this.up;
  }

  open(): void {
    this.closing = false;
    if (!this.port && !this.timer) this.connect();
  }

  write(data: string | Uint8Array): void {
    if (!this.port || !this.up) throw new Error(`${this.target} is not open`);
    this.port.write(typeof data === "string" ? Buffer.from(data) : data);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const port = this.port;
    this.port = null;
    if (port) {
      await this.opening;
      await closePort(port);
    }
    this.setDown(CLOSED_BY_AGENT);
  }

  private connect(): void {
    const port = new SerialPortStream(serialOpenOptions(this.options.path, this.options.settings, this.binding));
    this.port = port;
    port.on("data", (chunk: Buffer) => this.emit("data", chunk));
    port.on("error", (err: Error) => {
      this.lastError = err.message;
    });
    // A disconnect closes the port with a DisconnectedError; a read of end-of-file ends the stream.
    port.once("close", (err: Error | null) =>
      this.lost(port, err ? `disconnected: ${err.message}` : `port closed${this.lastError ? `: ${this.lastError}` : ""}`),
    );
    port.once("end", () => {
      this.lost(port, "end of file");
      if (port.isOpen) port.close();
    });
    this.opening = openPort(port).then(
      () => {
        if (this.port !== port) return;
        this.attempt = 0;
        this.lastError = "";
        this.up = true;
        this.emit("up");
      },
      (err: Error) => {
        if (this.port !== port) return;
        this.port = null;
        this.lastError = err.message;
        if (!this.closing) this.scheduleReconnect();
      },
    );
  }

  private lost(port: SerialPortStream, reason: string): void {
    if (this.port !== port) return;
    this.port = null;
    this.setDown(reason);
    if (!this.closing) this.scheduleReconnect();
  }

  private setDown(reason: string): void {
    if (!this.up) return;
    this.up = false;
    this.emit("down", reason);
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempt++);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.closing) this.connect();
    }, delay);
  }
}

/** Opens a port made with `autoOpen: false`. */
export function openPort(port: SerialPortStream): Promise<void> {
  return new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
}

/** Closes a port if it is open; never rejects (a port that is gone is closed enough). */
export function closePort(port: SerialPortStream): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!port.isOpen) return resolve();
    port.close(() => resolve());
  });
}
