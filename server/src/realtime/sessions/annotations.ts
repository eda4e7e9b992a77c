import {
  type AnnotateSend,
  ANNOTATE_ROLES,
  type Annotation,
  ANNOTATIONS_PER_TARGET,
  type AnnotationsClear,
  type SessionRecord,
  type SessionUser,
  TelecalError,
  type UserInfo,
} from "@telecal/protocols";
import type { SessionContext, SessionOptions } from "./context";
import { type LiveSession, sessionRoom } from "./registry";


/** An `annotated` record of the log as participants get it. */
export function annotationOf(jobId: string, record: SessionRecord): Annotation {
  const event = record.payload;
  if (event.event !== "annotated") throw new TelecalError("TC_ERR_INTERNAL", { reason: `record ${record.id} is not an annotation` });
  return { id: record.id, jobId, from: event.user, target: event.target, shape: event.shape, note: event.note, at: record.at };
}

/**
 * The marks on show after `records` (annotation records of one session, oldest first): for every
 * target, those since its last clear, the newest ANNOTATIONS_PER_TARGET of them; oldest first.
 */
export function currentAnnotations(jobId: string, records: readonly SessionRecord[]): Annotation[] {
  const byTarget = new Map<string, Annotation[]>();
  for (const record of records) {
    const event = record.payload;
    if (event.event === "annotations-cleared") byTarget.delete(event.target);
    if (event.event !== "annotated") continue;
    const marks = byTarget.get(event.target) ?? [];
    marks.push(annotationOf(jobId, record));
    if (marks.length > ANNOTATIONS_PER_TARGET) marks.shift();
    byTarget.set(event.target, marks);
  }
  return [...byTarget.values()].flat().sort((a, b) => a.id - b.id);
}

/**
 * Marks drawn on a person's video or a stream's chart, and clears of a target. Each is a record of
 * the session's stream before the room is told, so the marks on show are derived from the log alone:
 * they survive a restart and agree across server processes.
 */
export class SessionAnnotations {
  constructor(
    private readonly ctx: SessionContext,
    private readonly options: SessionOptions,
  ) {}

  async annotate(socketId: string, info: UserInfo, body: AnnotateSend): Promise<Annotation> {
    return this.ctx.act(socketId, info, body.jobId, "annotate", body, null, async (session, user) => {
      this.mustAnnotate(user, "annotate");
      const note = body.note ? body.note : null;
      const record = await this.ctx.record(session, user, { event: "annotated", user, target: body.target, shape: body.shape, note });
      const annotation = annotationOf(session.job.id, record);
      this.ctx.broadcast(sessionRoom(session.job.id), "session:annotation", annotation);
      return annotation;
    });
  }

  /** Clears a target's marks; answers how many were on show. */
  async clear(socketId: string, info: UserInfo, body: AnnotationsClear): Promise<number> {
    return this.ctx.act(socketId, info, body.jobId, "annotations-clear", body, null, async (session, user) => {
      this.mustAnnotate(user, "clear annotations");
      const cleared = (await this.of(session)).filter((a) => a.target === body.target).length;
      await this.ctx.record(session, user, { event: "annotations-cleared", user, target: body.target });
      this.ctx.broadcast(sessionRoom(session.job.id), "session:annotations-cleared", { jobId: session.job.id, target: body.target, by: user });
      return cleared;
    });
  }

  /**
   * The marks on show, from the latest `annotationRecords` marks and clears of the log. A clear comes
   * after the marks it clears, so the window can lose old marks but never bring a cleared one back.
   */
  async of(session: LiveSession): Promise<Annotation[]> {
    const jobId = session.job.id;
    return currentAnnotations(jobId, await this.ctx.journal.latestAnnotations(jobId, this.options.annotationRecords));
  }

  private mustAnnotate(user: SessionUser, what: string): void {
    if (!ANNOTATE_ROLES.has(user.role)) throw new TelecalError("TC_ERR_AUTH_FORBIDDEN", { role: user.role, what });
  }
}
