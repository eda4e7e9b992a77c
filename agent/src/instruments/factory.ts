import type { InstrumentConfig } from "../config";
import type { DriverCatalog } from "../drivers/catalog";
import type { Logger } from "../log";
import { createTransport } from "../transports/factory";
import { PolledInstrument } from "./polled-instrument";
import type { InstrumentRuntime } from "./runtime";

/** Builds the runtime for one configured instrument from its driver. */
export function createInstrument(config: InstrumentConfig, drivers: DriverCatalog, log: Logger): InstrumentRuntime {
  const driver = drivers.get(config.driver);
  const transport = createTransport(config.transport, driver);
  return new PolledInstrument(
    driver,
    transport,
    {
      id: config.id,
      role: config.role,
      measurement: config.measurement ?? driver.defaultMeasurement,
      intervalMs: config.intervalMs,
    },
    log.child({ instrument: config.id }),
  );
}
