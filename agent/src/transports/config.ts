import { z } from "zod";
import { SerialSettingsOverride } from "./serial-settings";

export const TcpTransportConfig = z.strictObject({
  type: z.literal("tcp"),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
});

export const SerialTransportConfig = z.strictObject({
  type: z.literal("serial"),
  /** /dev/ttyUSB0, /dev/pts/3, COM3. */
  path: z.string().min(1),
  /** Line settings; the driver's defaults fill what is not given. */
  settings: SerialSettingsOverride.optional(),
});

export const MqttTransportConfig = z.strictObject({
  type: z.literal("mqtt"),
  /** The broker the sensor publishes to: mqtt://host:port (mqtts:// for TLS). */
  url: z.url({ protocol: /^(mqtts?|wss?)$/ }),
  username: z.string().optional(),
  password: z.string().optional(),
});

/** How the agent reaches one instrument; each variant has its transport in this folder. */
export const TransportConfig = z.discriminatedUnion("type", [TcpTransportConfig, SerialTransportConfig, MqttTransportConfig]);
export type TransportConfig = z.infer<typeof TransportConfig>;
