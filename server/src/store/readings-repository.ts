import { isTelecalError, type ReadingBatch, type ReadingBatchPayload, readingsRecordStream, type StoredReading, TelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { appendRecord } from "../records/log";
import { recordsDb } from "../records/schema";
import type { DialectName } from "./db";
import { seqGapsCoverThrough } from "./seq-coverage";
import type { ReadingsTable, Schema } from "./schema";

export interface BatchStored {
  /** Every seq up to this one is stored: what the server acks. */
  ackedSeq: number;
  /** The acked seq before this batch (firstSeq - 1 after seqs covered by gaps): seqs above it are new. */
  previousAckedSeq: number;
  /** Readings of the batch that were not stored before. */
  inserted: number;
}

export interface ReadingsRepositoryOptions {
  /** Rows per INSERT statement; 10 parameters each. */
  rowsPerStatement?: number;
}

/**
 * Readings, stored idempotently on (agent, stream, seq). A batch is one transaction: its new
 * readings and the stream's acked seq are committed together or not at all.
 */
export class ReadingsRepository {
  private readonly rowsPerStatement: number;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
    options: ReadingsRepositoryOptions = {},
  ) {
    this.rowsPerStatement = options.rowsPerStatement ?? 1000;
  }

  /**
   * Stores a parsed batch and answers the acked seq. A batch must start at most one past the acked
   * seq (-1 for a stream with nothing stored), unless the agent's seq gaps cover the seqs between:
   * else TC_ERR_FIRST_SEQ_SKIPPED for a stream with nothing stored, TC_ERR_SEQ_GAP for one with.
   * Seqs already stored are skipped, so a batch sent twice changes nothing.
   */
  async storeBatch(agentId: string, batch: ReadingBatch, receivedAt = Date.now()): Promise<BatchStored> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const stream = await trx
          .selectFrom("streams")
          .select(["acked_seq"])
          .where("agent_id", "=", agentId)
          .where("stream_id", "=", batch.streamId)
          // PostgreSQL: batches of one stream from several server processes take turns here.
          // SQLite: the one connection already runs one transaction at a time.
          .$if(this.dialect === "postgres", (q) => q.forUpdate())
          .executeTakeFirst();
        if (!stream) throw new TelecalError("TC_ERR_UNKNOWN_STREAM", { stream: batch.streamId });
        let previous = stream.acked_seq;
        if (batch.firstSeq > previous + 1) {
          // Seqs skipped are taken only when the agent's signed seq gaps cover every one of them.
          const covered = await seqGapsCoverThrough(trx, agentId, batch.streamId, previous + 1);
          if (covered < batch.firstSeq - 1) {
            if (previous === -1) throw new TelecalError("TC_ERR_FIRST_SEQ_SKIPPED", { stream: batch.streamId, first: batch.firstSeq, last: batch.firstSeq - 1 });
            throw new TelecalError("TC_ERR_SEQ_GAP", { stream: batch.streamId, first: batch.firstSeq, expected: previous + 1 });
          }
          previous = batch.firstSeq - 1;
        }
        const overlap = Math.min(batch.t.length, Math.max(0, previous + 1 - batch.firstSeq));
        if (overlap > 0) await this.sameAsStored(trx, agentId, batch, overlap);
        const rows: ReadingsTable[] = [];
        for (let i = overlap; i < batch.t.length; i++) {
          rows.push({
            agent_id: agentId,
            stream_id: batch.streamId,
            seq: batch.firstSeq + i,
            t: batch.t[i]!,
            value: batch.values[i] ?? null,
            flags: batch.flags[i]!,
            clock_offset_ms: batch.clock.offsetMs,
            clock_uncertainty_ms: batch.clock.uncertaintyMs,
            historical: batch.historical ? 1 : 0,
            received_at: receivedAt,
          });
        }
        for (let i = 0; i < rows.length; i += this.rowsPerStatement) {
          await trx
            .insertInto("readings")
            .values(rows.slice(i, i + this.rowsPerStatement))
            .onConflict((oc) => oc.columns(["agent_id", "stream_id", "seq"]).doNothing())
            .execute();
        }
        const acked = Math.max(previous, batch.firstSeq + batch.t.length - 1);
        if (acked !== stream.acked_seq) {
          await trx
            .updateTable("streams")
            .set({ acked_seq: acked })
            .where("agent_id", "=", agentId)
            .where("stream_id", "=", batch.streamId)
            .execute();
        }
        // The record last: appending takes the log's lock (one writer across every process, the
        // order of ids), held until the commit; nothing else of the batch waits under it.
        if (rows.length > 0) {
          // The log carries exactly the readings stored now, committed with them or not at all.
          // The whole batch as signed, so that every reading stays attributable to the agent's
          // signature; `storedFrom` says which of them this batch stored (the rest were, earlier).
          const payload: ReadingBatchPayload = {
            agentId,
            streamId: batch.streamId,
            instrumentId: batch.instrumentId,
            firstSeq: batch.firstSeq,
            t: batch.t,
            values: batch.values,
            flags: batch.flags,
            unit: batch.unit,
            clock: batch.clock,
            historical: batch.historical,
            receivedAt,
            ...(overlap > 0 ? { storedFrom: overlap } : {}),
            ...(batch.signature !== undefined ? { signature: batch.signature } : {}),
          };
          await appendRecord(
            recordsDb(trx),
            this.dialect,
            { kind: "reading-batch", stream: readingsRecordStream(agentId, batch.streamId), actor: `agent:${agentId}`, payload },
            receivedAt,
          );
        }
        return { ackedSeq: acked, previousAckedSeq: previous, inserted: rows.length };
      });
    } catch (err) {
      if (isTelecalError(err)) throw err;
      throw new TelecalError(
        "TC_ERR_STORE_FAILED",
        { what: `reading batch ${batch.streamId} from seq ${batch.firstSeq}` },
        { cause: err },
      );
    }
  }

  /**
   * A resend must repeat what is stored: the same time stamp, value and flags for every seq it
   * overlaps. Anything else is refused (TC_ERR_SEQ_CONFLICT), the stored reading kept.
   */
  private async sameAsStored(trx: Kysely<Schema>, agentId: string, batch: ReadingBatch, overlap: number): Promise<void> {
    const stored = await trx
      .selectFrom("readings")
      .select(["seq", "t", "value", "flags"])
      .where("agent_id", "=", agentId)
      .where("stream_id", "=", batch.streamId)
      .where("seq", ">=", batch.firstSeq)
      .where("seq", "<", batch.firstSeq + overlap)
      .execute();
    for (const r of stored) {
      const i = Number(r.seq) - batch.firstSeq;
      const [t, value, flags] = [batch.t[i]!, batch.values[i] ?? null, batch.flags[i]!];
      const differs = Number(r.t) !== t ? `time ${r.t}, resent ${t}` : (r.value === null ? null : Number(r.value)) !== value ? `value ${r.value}, resent ${value}` : Number(r.flags) !== flags ? `flags ${r.flags}, resent ${flags}` : undefined;
      if (differs) throw new TelecalError("TC_ERR_SEQ_CONFLICT", { stream: batch.streamId, seq: Number(r.seq), reason: differs });
    }
  }

  /** Readings of one stream with seq above `afterSeq`, in seq order, at most `limit`. */
  async readings(agentId: string, streamId: string, afterSeq = -1, limit = 1000): Promise<StoredReading[]> {
    const rows = await this.db
      .selectFrom("readings")
      .selectAll()
      .where("agent_id", "=", agentId)
      .where("stream_id", "=", streamId)
      .where("seq", ">", afterSeq)
      .orderBy("seq")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      seq: r.seq,
      t: r.t,
      value: r.value,
      flags: r.flags,
      clockOffsetMs: r.clock_offset_ms,
      clockUncertaintyMs: r.clock_uncertainty_ms,
      historical: r.historical === 1,
      receivedAt: r.received_at,
    }));
  }
}
