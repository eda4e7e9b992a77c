import type { DriverDefinition } from "../drivers/definition";
import type { TransportConfig } from "./config";
import { SerialTransport } from "./serial";
import { mergeSerialSettings } from "./serial-settings";
import { TcpTransport } from "./tcp";
import type { Transport } from "./transport";

/** The transport that a config entry names, with the driver's defaults for what it leaves out. */
export function createTransport(config: TransportConfig, driver: DriverDefinition): Transport {
  switch (config.type) {
    case "tcp":
      return new TcpTransport({ host: config.host, port: config.port });
    case "serial":
      return new SerialTransport({
        path: config.path,
        settings: mergeSerialSettings(driver.transport.serial, config.settings),
      });
    case "mqtt":
      // A broker link carries topics, not a byte stream: instruments/factory.ts makes an MqttTransport.
      throw new Error(`${config.url}: an MQTT sensor has no byte-stream transport`);
  }
}
