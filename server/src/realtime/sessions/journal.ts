import { type RecordKind, SessionEvent, type SessionRecord, sessionStream } from "@telecal/protocols";
import type { LogRecord, RecordLog } from "../../records/log";
import { recordPayload } from "../../records/payload";
import { recordsDb } from "../../records/schema";
import type { Kysely } from "kysely";
import type { Schema } from "../../store/schema";

/** Commands and their results are records of kind `command`; everything else of a session is a `session-event`. */
function kindOf(event: SessionEvent): RecordKind {
  return event.event === "command" || event.event === "command-result" || (event.event === "refused" && event.what === "command") ? "command" : "session-event";
}

function toSessionRecord(r: Pick<LogRecord, "id" | "stream" | "seq" | "kind" | "createdAt" | "actor" | "payload">): SessionRecord {
  return { id: r.id, seq: r.seq, kind: r.kind, at: r.createdAt, actor: r.actor, payload: recordPayload(SessionEvent, r) };
}

/**
 * A session's events in the record log, stream `session/<jobId>`: appended as they happen (hash
 * chained and checkpointed like every record), read back for a late joiner and for replay.
 */
export class SessionJournal {
  constructor(
    private readonly log: RecordLog,
    private readonly db: Kysely<Schema>,
  ) {}

  async append(jobId: string, actor: string, event: SessionEvent, now = Date.now()): Promise<SessionRecord> {
    return toSessionRecord(await this.log.append({ kind: kindOf(event), stream: sessionStream(jobId), actor, payload: event }, now));
  }

  /** Records of the session after `afterSeq`, oldest first, at most `limit`. */
  async page(jobId: string, afterSeq = -1, limit = 1000): Promise<SessionRecord[]> {
    const rows = await recordsDb(this.db)
      .selectFrom("records")
      .select(["id", "stream", "seq", "kind", "created_at", "actor", "payload"])
      .where("stream", "=", sessionStream(jobId))
      .where("seq", ">", afterSeq)
      .orderBy("seq")
      .limit(limit)
      .execute();
    return rows.map((r) => toSessionRecord({ ...r, createdAt: r.created_at }));
  }

  /** The latest `count` records of the session, oldest first. */
  async latest(jobId: string, count: number): Promise<SessionRecord[]> {
    const rows = await recordsDb(this.db)
      .selectFrom("records")
      .select(["id", "stream", "seq", "kind", "created_at", "actor", "payload"])
      .where("stream", "=", sessionStream(jobId))
      .orderBy("seq", "desc")
      .limit(count)
      .execute();
    return rows.reverse().map((r) => toSessionRecord({ ...r, createdAt: r.created_at }));
  }

  /** The latest `count` chat messages, oldest first (canonical JSON starts every chat payload alike). */
  latestChat(jobId: string, count: number): Promise<SessionRecord[]> {
    return this.latestLike(jobId, '{"event":"chat",%', count);
  }

  /** The latest `count` marks and clears (`annotated`, `annotations-cleared`), oldest first. */
  latestAnnotations(jobId: string, count: number): Promise<SessionRecord[]> {
    return this.latestLike(jobId, '{"event":"annotat%', count);
  }

  private async latestLike(jobId: string, pattern: string, count: number): Promise<SessionRecord[]> {
    const rows = await recordsDb(this.db)
      .selectFrom("records")
      .select(["id", "stream", "seq", "kind", "created_at", "actor", "payload"])
      .where("stream", "=", sessionStream(jobId))
      .where("payload", "like", pattern)
      .orderBy("seq", "desc")
      .limit(count)
      .execute();
    return rows.reverse().map((r) => toSessionRecord({ ...r, createdAt: r.created_at }));
  }
}
