import { ReadingBatchPayload, readingsRecordStream } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { Schema } from "../store/schema";
import { type NamedRecord, PAYLOAD_INVALID, safeRecordPayload } from "./payload";
import type { RecordsSchema, RecordsTable } from "./schema";

/** Why a record is bad; `code` when the registry has one for it. */
export interface RecordProblem {
  reason: string;
  code?: typeof PAYLOAD_INVALID;
}

/** Per reading stream (its record stream, "agentId/streamId"), how many readings its records carry. */
export type Carried = Map<string, { count: number; lastRecord: RecordsTable }>;

/** For `telecal verify`: the payload, or the problem it reports (with its code) and goes on. */
export function parseReadingBatchPayload(r: NamedRecord): ReadingBatchPayload | RecordProblem {
  const p = safeRecordPayload(ReadingBatchPayload, r);
  return "payload" in p ? p.payload : { code: PAYLOAD_INVALID, reason: p.reason };
}

/** Compares the readings a reading-batch record (payload `p`) carries with the rows; counts them in `carried`. */
export async function checkReadings(db: Kysely<Schema & RecordsSchema>, r: RecordsTable, p: ReadingBatchPayload, carried: Carried): Promise<RecordProblem | null> {
  const n = p.t.length;
  // Readings before `storedFrom` were stored, and are counted, by the batch that stored them.
  const from = p.storedFrom ?? 0;
  const key = readingsRecordStream(p.agentId, p.streamId);
  const c = carried.get(key) ?? { count: 0, lastRecord: r };
  carried.set(key, { count: c.count + n - from, lastRecord: r });
  const rows = await db
    .selectFrom("readings")
    .selectAll()
    .where("agent_id", "=", p.agentId)
    .where("stream_id", "=", p.streamId)
    .where("seq", ">=", p.firstSeq + from)
    .where("seq", "<", p.firstSeq + n)
    .orderBy("seq")
    .execute();
  const bySeq = new Map(rows.map((x) => [x.seq, x]));
  for (let i = from; i < n; i++) {
    const seq = p.firstSeq + i;
    const row = bySeq.get(seq);
    if (!row) return { reason: `reading seq ${seq} it carries is not in the readings table` };
    const expected = {
      t: p.t[i],
      value: p.values[i] ?? null,
      flags: p.flags[i],
      clock_offset_ms: p.clock.offsetMs,
      clock_uncertainty_ms: p.clock.uncertaintyMs,
      historical: p.historical ? 1 : 0,
      received_at: p.receivedAt,
    };
    for (const [column, value] of Object.entries(expected)) {
      const actual = row[column as keyof typeof expected];
      if (actual !== value) {
        return { reason: `reading seq ${seq}: ${column} is ${String(actual)} in the readings table, ${String(value)} in the record` };
      }
    }
  }
  return null;
}

/** Readings that no record carries (rows added directly to the readings table): one problem per stream. */
export async function strayReadings(
  db: Kysely<Schema & RecordsSchema>,
  carried: Carried,
  logSize: number,
): Promise<{ readings: number; problems: { id: number; stream: string; kind: string | null; seq: number | null; reason: string }[] }> {
  const stored = await db
    .selectFrom("readings")
    .select(["agent_id", "stream_id"])
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .groupBy(["agent_id", "stream_id"])
    .execute();
  let readings = 0;
  const problems = [];
  for (const s of stored) {
    const n = Number(s.n);
    readings += n;
    const stream = readingsRecordStream(s.agent_id, s.stream_id);
    const c = carried.get(stream);
    if (!c || c.count !== n) {
      const last = c?.lastRecord;
      const reason = `the readings table holds ${n} readings of this stream, its records carry ${c?.count ?? 0}`;
      problems.push({ id: last?.id ?? logSize + 1, stream, kind: last?.kind ?? null, seq: last?.seq ?? null, reason });
    }
  }
  return { readings, problems };
}
