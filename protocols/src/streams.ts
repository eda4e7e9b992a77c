import { z } from "zod";
import { Id } from "./ids";

/**
 * A stream's id across agents, "agentId:streamId" (ids never hold ':'): the one key of a stream in
 * memory and on the wire (REST paths, StreamInfo.id, UiSnapshot.history, viewers' maps). The record
 * log names a stream of readings otherwise: readingsRecordStream() in records.ts.
 */
export const StreamRef = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "agentId:streamId");

export function streamRef(agentId: string, streamId: string): string {
  return `${agentId}:${streamId}`;
}

export function parseStreamRef(ref: string): { agentId: string; streamId: string } {
  const i = ref.indexOf(":");
  return { agentId: ref.slice(0, i), streamId: ref.slice(i + 1) };
}

/** GET /api/streams: one entry per stream the server holds readings of. */
export const StreamInfo = z.strictObject({
  id: StreamRef,
  agentId: Id,
  streamId: Id,
  instrumentId: Id,
  quantity: z.string(),
  unit: z.string(),
  /** Every seq up to this one is stored; -1 for none. */
  lastSeq: z.number().int(),
});
export type StreamInfo = z.infer<typeof StreamInfo>;

/** A reading as the server stored it: the repository's rows and the read API's. */
export const StoredReading = z.strictObject({
  seq: z.number().int(),
  /** UTC milliseconds. */
  t: z.number(),
  value: z.number().nullable(),
  flags: z.number().int(),
  clockOffsetMs: z.number(),
  clockUncertaintyMs: z.number(),
  historical: z.boolean(),
  /** UTC milliseconds at which the server stored the batch that carried it. */
  receivedAt: z.number(),
});
export type StoredReading = z.infer<typeof StoredReading>;

/** GET /api/streams/:id/readings?after=SEQ&limit=N */
export const ReadingsQuery = z.strictObject({
  after: z.coerce.number().int().min(-1).default(-1),
  limit: z.coerce.number().int().min(1).max(100_000).default(1000),
});

export const ReadingsPage = z.strictObject({
  stream: StreamInfo,
  readings: z.array(StoredReading),
  /** Pass as `after` for the next page; null when this page reached the end. */
  next: z.number().int().nullable(),
});
export type ReadingsPage = z.infer<typeof ReadingsPage>;
