import type { DriverDefinition } from "../drivers/definition";
import type { Logger } from "../log";
import type { Transport } from "../transports/transport";
import { ScpiSession } from "./scpi";
import type { DialectSession } from "./session";

/** The session for a driver's dialect, with the driver's terminator and timeout. */
export function createSession(
  driver: DriverDefinition,
  transport: Transport,
  options: { name: string },
  log: Logger,
): DialectSession {
  const common = { name: options.name, terminator: driver.transport.terminator, timeoutMs: driver.transport.timeoutMs };
  switch (driver.dialect) {
    case "scpi":
      return new ScpiSession(transport, common, log);
    case "mt-sics":
    case "line":
      throw new Error(`dialect ${driver.dialect} is not implemented yet`);
  }
}
