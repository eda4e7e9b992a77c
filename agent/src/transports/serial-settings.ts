import { z } from "zod";

const fields = {
  baudRate: z.number().int().positive(),
  dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]),
  parity: z.enum(["none", "even", "odd", "mark", "space"]),
  stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]),
  flowControl: z.enum(["none", "rtscts", "xonxoff"]),
};

/** RS-232 line settings, every one of them, as instrument manuals state them (9600 8N1). */
export const SerialSettings = z.strictObject({
  baudRate: fields.baudRate.default(9600),
  dataBits: fields.dataBits.default(8),
  parity: fields.parity.default("none"),
  stopBits: fields.stopBits.default(1),
  flowControl: fields.flowControl.default("none"),
});
export type SerialSettings = z.infer<typeof SerialSettings>;

/**
 * The settings a config entry names, and only those: no defaults here, so that the driver's
 * defaults fill the rest (zod would otherwise fill 9600 8N1 over a driver's 2400 7E1).
 */
export const SerialSettingsOverride = z.strictObject(fields).partial();
export type SerialSettingsOverride = z.infer<typeof SerialSettingsOverride>;

/** A config's settings over the driver's defaults over 9600 8N1. */
export function mergeSerialSettings(
  driverDefaults: Partial<SerialSettings> | undefined,
  override: SerialSettingsOverride | undefined,
): SerialSettings {
  return SerialSettings.parse({ ...driverDefaults, ...override });
}

/** "9600 8N1", "2400 7E2 xonxoff": the notation of instrument manuals. */
export function formatSerialSettings(s: SerialSettings): string {
  const parity = { none: "N", even: "E", odd: "O", mark: "M", space: "S" }[s.parity];
  const flow = s.flowControl === "none" ? "" : ` ${s.flowControl}`;
  return `${s.baudRate} ${s.dataBits}${parity}${s.stopBits}${flow}`;
}
