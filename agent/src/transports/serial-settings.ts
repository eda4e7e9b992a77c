import { z } from "zod";

/** RS-232 line settings, every one of them, as instrument manuals state them (9600 8N1). */
export const SerialSettings = z.strictObject({
  baudRate: z.number().int().positive().default(9600),
  dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(["none", "even", "odd", "mark", "space"]).default("none"),
  stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).default(1),
  flowControl: z.enum(["none", "rtscts", "xonxoff"]).default("none"),
});
export type SerialSettings = z.infer<typeof SerialSettings>;
