import { SerialPortStream } from "@serialport/stream";
import { LineFramer } from "../dialects/line-framer";
import { closePort, openPort, serialOpenOptions } from "../transports/serial";
import { platformBinding, type SerialBinding } from "../transports/serial-binding";
import { SerialSettings } from "../transports/serial-settings";
import type { InstrumentSimulator } from "./engine";

export interface SerialSimServer {
  path: string;
  /** Resolves when the port closes, by `close()` or because the line went away (pty gone). */
  readonly closed: Promise<string>;
  close(): Promise<void>;
}

export interface SerialServeOptions {
  /** Line settings of the instrument's RS-232 port; 9600 8N1 if not given. */
  settings?: Partial<SerialSettings>;
  /** @serialport/binding-mock in tests; the platform's binding otherwise. */
  binding?: SerialBinding;
}

/**
 * Serves one simulated instrument on a serial port, as its RS-232 connector would: commands end
 * with LF, CR LF or (for CR-terminated definitions) CR, and replies end with the definition's
 * terminator. A serial line cannot be dropped by the instrument, so a `close` fault does nothing here.
 */
export async function serveSerial(sim: InstrumentSimulator, path: string, options: SerialServeOptions = {}): Promise<SerialSimServer> {
  const settings = SerialSettings.parse(options.settings ?? {});
  const port = new SerialPortStream(serialOpenOptions(path, settings, options.binding ?? platformBinding));
  const crOnly = sim.definition.terminator === "\r";
  const framer = new LineFramer(crOnly ? "\r" : "\n");
  let chain = Promise.resolve();
  const write = (text: string) => {
    if (port.isOpen) port.write(Buffer.from(text + sim.definition.terminator, "latin1"));
  };
  port.on("data", (chunk: Buffer) => {
    for (const raw of framer.push(chunk).lines) {
      const line = !crOnly && raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      chain = chain.then(async () => {
        const reply = sim.handle(line);
        if (reply.delayMs > 0) await new Promise((r) => setTimeout(r, reply.delayMs));
        if (reply.text !== null) write(reply.text);
      });
    }
  });
  let lastError = "";
  port.on("error", (err: Error) => {
    lastError = err.message;
  });
  const offOutput = sim.onOutput(write);
  const closed = new Promise<string>((resolve) => {
    port.once("close", (err: Error | null) => {
      offOutput();
      resolve(err ? `disconnected: ${err.message}` : lastError || "closed");
    });
  });
  try {
    await openPort(port);
  } catch (err) {
    offOutput();
    throw err;
  }
  return {
    path,
    closed,
    close: async () => {
      offOutput();
      await closePort(port);
    },
  };
}
