import { isTelecalError, type ReadingGap, ReadingGapPayload, readingsRecordStream, TelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { appendRecord } from "../records/log";
import { recordPayload } from "../records/payload";
import { recordsDb } from "../records/schema";
import type { DialectName } from "./db";
import type { Schema } from "./schema";
import { seqGapsCoverThrough } from "./seq-coverage";

/** The same gap sent again: a count gap by where it stands and when it began, a seq gap by its range. */
function sameGap(a: ReadingGapPayload, b: ReadingGap): boolean {
  if ("lastSeq" in a || "lastSeq" in b) return "lastSeq" in a && "lastSeq" in b && a.firstSeq === b.firstSeq && a.lastSeq === b.lastSeq;
  return a.firstSeq === b.firstSeq && a.tFirst === b.tFirst;
}

/**
 * Gap records: readings an agent could not keep, each a `reading-gap` record in the stream's own
 * record log beside its batches, so that the log says where readings are missing and why.
 */
export class GapsRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
  ) {}

  /**
   * Stores a gap once: a resend (its ack was lost) finds the same gap and stores nothing. A seq gap
   * that starts at most one past the stream's acked seq moves the acked seq over it, so that the
   * stream goes on after it (and a hello tells the agent so).
   */
  async store(agentId: string, gap: ReadingGap, receivedAt = Date.now()): Promise<{ stored: boolean }> {
    const stream = readingsRecordStream(agentId, gap.streamId);
    try {
      return await this.db.transaction().execute(async (trx) => {
        // The stream's row before the log's lock, in the order storeBatch takes them.
        const row = "lastSeq" in gap ? await this.lockStream(trx, agentId, gap.streamId) : undefined;
        const known = await this.listIn(trx, stream);
        const stored = !known.some((g) => sameGap(g, gap));
        if (stored) {
          const payload: ReadingGapPayload = { agentId, ...gap, receivedAt };
          await appendRecord(recordsDb(trx), this.dialect, { kind: "reading-gap", stream, actor: `agent:${agentId}`, payload }, receivedAt);
        }
        if (row) {
          const covered = await seqGapsCoverThrough(trx, agentId, gap.streamId, row.acked_seq + 1);
          if (covered > row.acked_seq) {
            await trx.updateTable("streams").set({ acked_seq: covered }).where("agent_id", "=", agentId).where("stream_id", "=", gap.streamId).execute();
          }
        }
        return { stored };
      });
    } catch (err) {
      if (isTelecalError(err)) throw err;
      throw new TelecalError("TC_ERR_STORE_FAILED", { what: `gap of ${gap.streamId} from seq ${gap.firstSeq}` }, { cause: err });
    }
  }

  /** The gaps of one stream, oldest first. */
  list(agentId: string, streamId: string): Promise<ReadingGapPayload[]> {
    return this.listIn(this.db, readingsRecordStream(agentId, streamId));
  }

  private async lockStream(trx: Kysely<Schema>, agentId: string, streamId: string): Promise<{ acked_seq: number }> {
    const row = await trx
      .selectFrom("streams")
      .select(["acked_seq"])
      .where("agent_id", "=", agentId)
      .where("stream_id", "=", streamId)
      .$if(this.dialect === "postgres", (q) => q.forUpdate())
      .executeTakeFirst();
    if (!row) throw new TelecalError("TC_ERR_UNKNOWN_STREAM", { stream: streamId });
    return row;
  }

  private async listIn(db: Kysely<Schema>, stream: string): Promise<ReadingGapPayload[]> {
    const rows = await recordsDb(db)
      .selectFrom("records")
      .select(["id", "kind", "stream", "seq", "payload"])
      .where("stream", "=", stream)
      .where("kind", "=", "reading-gap")
      .orderBy("id")
      .execute();
    return rows.map((r) => recordPayload(ReadingGapPayload, r));
  }
}
