import { readdirSync } from "node:fs";
import { SerialPortStream } from "@serialport/stream";
import { ReplyFramer } from "./dialects/reply-framer";
import type { DriverCatalog } from "./drivers/catalog";
import type { DriverDefinition } from "./drivers/definition";
import { closePort, openPort, serialOpenOptions } from "./transports/serial";
import { platformBinding, type SerialBinding } from "./transports/serial-binding";
import { mergeSerialSettings, type SerialSettings } from "./transports/serial-settings";

/** One way of asking "who are you?" on a serial line: settings, terminator and identity query. */
export interface ProbePlan {
  settings: SerialSettings;
  terminator: string;
  query: string;
}

export interface ProbeResult extends ProbePlan {
  path: string;
  /** The identity line, or null for no answer. */
  identity: string | null;
  /** The driver whose identity pattern matches, if any. */
  driver: string | null;
  /** Why there was no answer, when the port itself failed (busy, permission, gone). */
  error: string | null;
}

export interface DiscoverOptions {
  drivers: DriverCatalog;
  /** Paths to probe; the ports the system lists when not given. */
  paths?: readonly string[];
  /** Per probe; a real instrument answers *IDN? in well under this. */
  timeoutMs?: number;
  binding?: SerialBinding;
  /** Called as each probe ends, so that a CLI can print as it goes. */
  onResult?: (result: ProbeResult) => void;
}

const SERIAL_DIALECTS = new Set<DriverDefinition["dialect"]>(["scpi", "mt-sics", "line"]);

/** CR LF first: LF-terminated instruments answer it too, so fewer probes leave junk behind. */
const TERMINATOR_ORDER = ["\r\n", "\n", "\r"];

/** The distinct ways the known drivers are asked for their identity over a serial line. */
export function probePlans(drivers: DriverCatalog): ProbePlan[] {
  const plans = new Map<string, ProbePlan>();
  for (const name of drivers.names()) {
    const driver = drivers.get(name);
    if (!SERIAL_DIALECTS.has(driver.dialect) || !driver.identity) continue;
    const plan: ProbePlan = {
      settings: mergeSerialSettings(driver.transport.serial, undefined),
      terminator: driver.transport.terminator,
      query: driver.identity.query,
    };
    const key = JSON.stringify(plan);
    if (!plans.has(key)) plans.set(key, plan);
  }
  return [...plans.values()].sort(
    (a, b) => TERMINATOR_ORDER.indexOf(a.terminator) - TERMINATOR_ORDER.indexOf(b.terminator),
  );
}

/** The driver whose identity query and pattern fit a reply. */
export function matchDriver(drivers: DriverCatalog, query: string, identity: string): string | null {
  for (const name of drivers.names()) {
    const id = drivers.get(name).identity;
    if (id && id.query === query && new RegExp(id.match, "i").test(identity)) return name;
  }
  return null;
}

/**
 * Serial ports the system knows. serialport lists them through udev on Linux; where udev is absent
 * (containers), the USB and on-board UART device nodes in /dev stand in.
 */
export async function listSerialPaths(binding: SerialBinding = platformBinding): Promise<string[]> {
  try {
    return (await binding.list()).map((p) => p.path).sort();
  } catch {
    return readdirSync("/dev")
      .filter((f) => /^(ttyUSB|ttyACM|ttyAMA|rfcomm)\d+$/.test(f))
      .map((f) => `/dev/${f}`)
      .sort();
  }
}

/** Opens `path` with the plan's settings, sends its query, and waits for one printable line. */
export async function probe(
  path: string,
  plan: ProbePlan,
  options: { timeoutMs?: number; binding?: SerialBinding } = {},
): Promise<{ identity: string | null; error: string | null }> {
  const port = new SerialPortStream(serialOpenOptions(path, plan.settings, options.binding ?? platformBinding));
  port.on("error", () => undefined);
  try {
    await openPort(port);
  } catch (err) {
    return { identity: null, error: (err as Error).message };
  }
  try {
    await new Promise<void>((resolve) => port.flush(() => resolve()));
    const framer = new ReplyFramer(plan.terminator, 1024);
    const identity = await new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), options.timeoutMs ?? 500);
      port.on("data", (chunk: Buffer) => {
        framer.push(chunk);
        for (let line = framer.takeLine(); line !== null; line = framer.takeLine()) {
          const text = line.trim();
          // At the wrong baud rate an instrument's reply arrives as garbage: keep waiting.
          if (/^[\x20-\x7e]+$/.test(text)) {
            clearTimeout(timer);
            resolve(text);
          }
        }
      });
      port.write(Buffer.from(plan.query + plan.terminator, "latin1"));
    });
    return { identity, error: null };
  } finally {
    await closePort(port);
  }
}

/**
 * Asks every port "who are you?" in each of the known drivers' ways, one after the other, and stops
 * at the first printable answer on each port.
 */
export async function discoverSerial(options: DiscoverOptions): Promise<ProbeResult[]> {
  const binding = options.binding ?? platformBinding;
  const paths = options.paths ?? (await listSerialPaths(binding));
  const plans = probePlans(options.drivers);
  const results: ProbeResult[] = [];
  for (const path of paths) {
    for (const plan of plans) {
      const { identity, error } = await probe(path, plan, { timeoutMs: options.timeoutMs, binding });
      const driver = identity === null ? null : matchDriver(options.drivers, plan.query, identity);
      const result: ProbeResult = { path, ...plan, identity, driver, error };
      results.push(result);
      options.onResult?.(result);
      if (identity !== null || error !== null) break;
    }
  }
  return results;
}
