import { formatError, safeParseJson, TelecalError } from "@telecal/protocols";
import type { z } from "zod";
import type { RecordsTable } from "./schema";

/** What names a record in an error: its id, kind, stream and seq; and its payload. */
export type NamedRecord = Pick<RecordsTable, "id" | "kind" | "stream" | "seq" | "payload">;

export const PAYLOAD_INVALID = "TC_ERR_RECORD_PAYLOAD_INVALID" as const;

/** A record's payload parsed with its kind's schema, or the registry's line that names the record. */
export function safeRecordPayload<S extends z.ZodType>(schema: S, r: NamedRecord): { payload: z.output<S> } | { reason: string } {
  const parsed = safeParseJson(schema, r.payload);
  if (parsed.success) return { payload: parsed.data };
  return { reason: `${PAYLOAD_INVALID}: ${formatError(PAYLOAD_INVALID, { id: r.id, kind: r.kind, stream: r.stream, seq: r.seq, issues: parsed.issues })}` };
}

/** For a reader that cannot go on without it: TC_ERR_RECORD_PAYLOAD_INVALID naming the record. */
export function recordPayload<S extends z.ZodType>(schema: S, r: NamedRecord): z.output<S> {
  const parsed = safeParseJson(schema, r.payload);
  if (!parsed.success) throw new TelecalError(PAYLOAD_INVALID, { id: r.id, kind: r.kind, stream: r.stream, seq: r.seq, issues: parsed.issues });
  return parsed.data;
}
