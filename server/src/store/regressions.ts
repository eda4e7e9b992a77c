import { readingsRecordStream, StreamRegressionPayload } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { appendRecord } from "../records/log";
import { recordPayload } from "../records/payload";
import { recordsDb } from "../records/schema";
import type { DialectName } from "./db";
import type { Schema } from "./schema";

/**
 * At a hello: every announced stream the store holds less of than the agent saw acknowledged (the
 * store lost data, or was restored from a backup) gets a `stream-regression` alarm in its own log.
 * The same alarm told again (a hello whose answer was lost) is not recorded twice. Returns the new ones.
 */
export async function recordRegressions(
  trx: Kysely<Schema>,
  dialect: DialectName,
  agentId: string,
  agentAcked: Readonly<Record<string, number>>,
  storeAcked: Readonly<Record<string, number>>,
  now: number,
): Promise<StreamRegressionPayload[]> {
  const found: StreamRegressionPayload[] = [];
  for (const [streamId, held] of Object.entries(storeAcked)) {
    const seen = agentAcked[streamId];
    if (seen === undefined || seen <= held) continue;
    const stream = readingsRecordStream(agentId, streamId);
    const last = await recordsDb(trx)
      .selectFrom("records")
      .select(["id", "kind", "stream", "seq", "payload"])
      .where("stream", "=", stream)
      .where("kind", "=", "stream-regression")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    const before = last ? recordPayload(StreamRegressionPayload, last) : undefined;
    if (before?.expectedSeq === held + 1 && before.agentAckedSeq === seen) continue;
    const payload: StreamRegressionPayload = { agentId, streamId, expectedSeq: held + 1, agentAckedSeq: seen, detectedAt: now };
    await appendRecord(recordsDb(trx), dialect, { kind: "stream-regression", stream, actor: `agent:${agentId}`, payload }, now);
    found.push(payload);
  }
  return found;
}
