import { ReadingGapPayload, StreamRegressionPayload } from "@telecal/protocols";
import { type NamedRecord, PAYLOAD_INVALID, safeRecordPayload } from "./payload";
import type { RecordProblem } from "./verify-readings";

/**
 * Readings an agent said it could not keep (a reading-gap record): reported, not a failure. A count
 * gap (`outbox-full`) took no seqs and has times; a seq gap (`server-lost`) names seqs `firstSeq` to
 * `lastSeq`, which the server had acknowledged and lost.
 */
export type ReportedGap =
  | { stream: string; firstSeq: number; count: number; tFirst: number; tLast: number; reason: string }
  | { stream: string; firstSeq: number; lastSeq: number; count: number; reason: string };

/** A `stream-regression` alarm: the store held less of the stream than the agent had seen acknowledged. */
export interface ReportedRegression {
  stream: string;
  recordId: number;
  expectedSeq: number;
  agentAckedSeq: number;
  detectedAt: number;
}

export function reportedGap(r: NamedRecord): ReportedGap | RecordProblem {
  const parsed = safeRecordPayload(ReadingGapPayload, r);
  if ("reason" in parsed) return { reason: parsed.reason, code: PAYLOAD_INVALID };
  const g = parsed.payload;
  if ("lastSeq" in g) return { stream: r.stream, firstSeq: g.firstSeq, lastSeq: g.lastSeq, count: g.lastSeq - g.firstSeq + 1, reason: g.reason };
  return { stream: r.stream, firstSeq: g.firstSeq, count: g.count, tFirst: g.tFirst, tLast: g.tLast, reason: g.reason };
}

export function reportedRegression(r: NamedRecord): ReportedRegression | RecordProblem {
  const parsed = safeRecordPayload(StreamRegressionPayload, r);
  if ("reason" in parsed) return { reason: parsed.reason, code: PAYLOAD_INVALID };
  const { expectedSeq, agentAckedSeq, detectedAt } = parsed.payload;
  return { stream: r.stream, recordId: r.id, expectedSeq, agentAckedSeq, detectedAt };
}

/** The lines `telecal verify` prints for gaps and regressions. */
export function describeLosses(gaps: readonly ReportedGap[], regressions: readonly ReportedRegression[]): string[] {
  const lines = regressions.map(
    (x) =>
      `regression: stream ${x.stream}: the store held seqs only up to ${x.expectedSeq - 1}, the agent had seen ${x.agentAckedSeq} acknowledged (record ${x.recordId}, ${new Date(x.detectedAt).toISOString()}): acknowledged readings were lost by the server`,
  );
  for (const g of gaps) {
    lines.push(
      "lastSeq" in g
        ? `gap: stream ${g.stream}: seqs ${g.firstSeq} to ${g.lastSeq} (${g.count} readings) lost after they were acknowledged, no longer held by the agent (${g.reason})`
        : `gap: stream ${g.stream}: ${g.count} readings missing before seq ${g.firstSeq}, taken ${new Date(g.tFirst).toISOString()} to ${new Date(g.tLast).toISOString()} (${g.reason})`,
    );
  }
  return lines;
}
