import {
  parseStreamRef,
  type ReadingsPage,
  type StreamInfo,
  streamRef,
  TelecalError,
} from "@telecal/protocols";
import type { Store } from "./store";

/** The streams the store holds, as the read API and `telecal export` list them. */
export async function listStreams(store: Store): Promise<StreamInfo[]> {
  const rows = await store.streams.streams();
  return rows.map((s) => ({
    id: streamRef(s.agentId, s.streamId),
    agentId: s.agentId,
    streamId: s.streamId,
    instrumentId: s.instrumentId,
    quantity: s.quantity,
    unit: s.unit,
    lastSeq: s.ackedSeq,
  }));
}

/** One page of a stream's stored readings after `after`, the same for the API and the CLI. */
export async function readingsPage(store: Store, ref: string, after: number, limit: number): Promise<ReadingsPage> {
  const stream = (await listStreams(store)).find((s) => s.id === ref);
  if (!stream) throw new TelecalError("TC_ERR_UNKNOWN_STREAM", { stream: ref });
  const { agentId, streamId } = parseStreamRef(ref);
  const readings = await store.readings.readings(agentId, streamId, after, limit);
  const last = readings[readings.length - 1];
  return { stream, readings, next: readings.length === limit && last ? last.seq : null };
}

export const CSV_HEADER = "seq,utc,t_ms,value,unit,flags,clock_offset_ms,clock_uncertainty_ms,historical";

/** CSV rows of a page (no header): UTC as ISO 8601 beside the milliseconds, empty value for none. */
export function csvRows(page: ReadingsPage): string {
  return page.readings
    .map((r) =>
      [
        r.seq,
        new Date(r.t).toISOString(),
        r.t,
        r.value ?? "",
        csvField(page.stream.unit),
        r.flags,
        r.clockOffsetMs,
        r.clockUncertaintyMs,
        r.historical ? 1 : 0,
      ].join(","),
    )
    .map((line) => `${line}\n`)
    .join("");
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
