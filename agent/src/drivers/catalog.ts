import { TelecalError } from "@telecal/protocols";
import type { DriverDefinition } from "./definition";
import { keysight34465a } from "./keysight-34465a";

const DRIVERS: ReadonlyMap<string, DriverDefinition> = new Map(
  [keysight34465a].map((d) => [d.name, d]),
);

export function driverNames(): string[] {
  return [...DRIVERS.keys()];
}

export function getDriver(name: string): DriverDefinition {
  const driver = DRIVERS.get(name);
  if (!driver) throw new TelecalError("TC_ERR_UNKNOWN_DRIVER", { name });
  return driver;
}
