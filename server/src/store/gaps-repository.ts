import { isTelecalError, type ReadingGap, ReadingGapPayload, readingsRecordStream, TelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { appendRecord } from "../records/log";
import { recordPayload } from "../records/payload";
import { recordsDb } from "../records/schema";
import type { DialectName } from "./db";
import type { Schema } from "./schema";

/**
 * Gap records: readings an agent could not keep, each a `reading-gap` record in the stream's own
 * record log beside its batches, so that the log says where readings are missing and why.
 */
export class GapsRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
  ) {}

  /** Stores a gap once: a resend (its ack was lost) finds the same gap and stores nothing. */
  async store(agentId: string, gap: ReadingGap, receivedAt = Date.now()): Promise<{ stored: boolean }> {
    const stream = readingsRecordStream(agentId, gap.streamId);
    try {
      return await this.db.transaction().execute(async (trx) => {
        const known = await this.listIn(trx, stream);
        if (known.some((g) => g.firstSeq === gap.firstSeq && g.tFirst === gap.tFirst)) return { stored: false };
        const payload: ReadingGapPayload = { agentId, ...gap, receivedAt };
        await appendRecord(recordsDb(trx), this.dialect, { kind: "reading-gap", stream, actor: `agent:${agentId}`, payload }, receivedAt);
        return { stored: true };
      });
    } catch (err) {
      if (isTelecalError(err)) throw err;
      throw new TelecalError("TC_ERR_STORE_FAILED", { what: `gap of ${gap.streamId} before seq ${gap.firstSeq}` }, { cause: err });
    }
  }

  /** The gaps of one stream, oldest first. */
  list(agentId: string, streamId: string): Promise<ReadingGapPayload[]> {
    return this.listIn(this.db, readingsRecordStream(agentId, streamId));
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
