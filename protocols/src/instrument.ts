import { z } from "zod";
import { Id } from "./ids";

/** A reference standard gives the reference value; a unit under test is the one being calibrated. */
export const InstrumentRole = z.enum(["reference", "uut"]);
export type InstrumentRole = z.infer<typeof InstrumentRole>;

/** One measured quantity of one instrument, carried as one stream of readings. */
export const StreamDescriptor = z.strictObject({
  id: Id,
  quantity: z.string().min(1).max(64),
  unit: z.string().min(1).max(32),
});
export type StreamDescriptor = z.infer<typeof StreamDescriptor>;

export const InstrumentDescriptor = z.strictObject({
  id: Id,
  driver: z.string().min(1).max(64),
  role: InstrumentRole,
  maker: z.string().max(128),
  model: z.string().max(128),
  serial: z.string().max(128),
  firmware: z.string().max(128),
  streams: z.array(StreamDescriptor).max(64),
});
export type InstrumentDescriptor = z.infer<typeof InstrumentDescriptor>;
