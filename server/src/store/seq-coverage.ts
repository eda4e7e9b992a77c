import { ReadingGapPayload, readingsRecordStream } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { recordPayload } from "../records/payload";
import { recordsDb } from "../records/schema";
import type { Schema } from "./schema";

/**
 * The highest seq up to which the stream's `server-lost` seq gaps cover every seq from `from` on
 * (`from - 1` when none starts there). Read only where a batch or gap would leave a hole: a stream
 * with no such gap never pays for it.
 */
export async function seqGapsCoverThrough(db: Kysely<Schema>, agentId: string, streamId: string, from: number): Promise<number> {
  const rows = await recordsDb(db)
    .selectFrom("records")
    .select(["id", "kind", "stream", "seq", "payload"])
    .where("stream", "=", readingsRecordStream(agentId, streamId))
    .where("kind", "=", "reading-gap")
    .execute();
  const ranges = rows
    .map((r) => recordPayload(ReadingGapPayload, r))
    .flatMap((g) => ("lastSeq" in g ? [g] : []))
    .sort((a, b) => a.firstSeq - b.firstSeq);
  let reach = from - 1;
  for (const g of ranges) {
    if (g.firstSeq > reach + 1) break;
    reach = Math.max(reach, g.lastSeq);
  }
  return reach;
}
