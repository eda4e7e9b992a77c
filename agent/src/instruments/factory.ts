import type { InstrumentConfig } from "../config";
import type { DriverCatalog } from "../drivers/catalog";
import type { DriverDefinition } from "../drivers/definition";
import type { Logger } from "../log";
import { createTransport } from "../transports/factory";
import { MqttTransport } from "../transports/mqtt";
import { MqttSensor } from "./mqtt-sensor";
import { PolledInstrument } from "./polled-instrument";
import type { InstrumentRuntime } from "./runtime";
import { SparkplugNode } from "./sparkplug-node";

/** Builds the runtime for one configured instrument from its driver. */
export function createInstrument(config: InstrumentConfig, drivers: DriverCatalog, log: Logger): InstrumentRuntime {
  const driver = drivers.get(config.driver);
  if (driver.dialect === "mqtt-json" || driver.dialect === "sparkplug") return createMqttInstrument(config, driver, log);
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

/** MQTT sensors push their readings: one broker link each, and a runtime by dialect. */
function createMqttInstrument(config: InstrumentConfig, driver: DriverDefinition, log: Logger): InstrumentRuntime {
  const t = config.transport;
  if (t.type !== "mqtt") {
    throw new Error(`instrument ${config.id}: driver ${driver.name} speaks ${driver.dialect}, its transport must be mqtt, not ${t.type}`);
  }
  const ilog = log.child({ instrument: config.id });
  const transport = new MqttTransport({ url: t.url, username: t.username, password: t.password, log: ilog });
  const options = { id: config.id, role: config.role };
  return driver.dialect === "sparkplug"
    ? new SparkplugNode(driver, transport, options, ilog)
    : new MqttSensor(driver, transport, options, ilog);
}
