import type { DriverDefinition } from "../drivers/definition";
import type { TransportConfig } from "./config";
import { TcpTransport } from "./tcp";
import type { Transport } from "./transport";

/** The transport that a config entry names, with the driver's defaults for what it leaves out. */
export function createTransport(config: TransportConfig, _driver: DriverDefinition): Transport {
  switch (config.type) {
    case "tcp":
      return new TcpTransport({ host: config.host, port: config.port });
    case "serial":
      throw new Error("serial transport is not implemented yet");
  }
}
