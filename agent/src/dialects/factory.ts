import type { DriverDefinition } from "../drivers/definition";
import type { Logger } from "../log";
import type { Transport } from "../transports/transport";
import { LineSession } from "./line";
import { MtSicsSession } from "./mt-sics";
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
      return new ScpiSession(transport, { ...common, errorQuery: driver.errorQuery }, log);
    case "mt-sics":
      return new MtSicsSession(transport, common, log);
    case "line":
      return new LineSession(transport, common, log);
    case "mqtt-json":
    case "sparkplug":
      // MQTT sensors push their readings: instruments/factory.ts builds their runtimes instead.
      throw new Error(`dialect ${driver.dialect} has no request/response session`);
  }
}
