import type { LessonContext } from "./context";
import { lessonTrainersRoom } from "./context";

/**
 * How long joins and leaves of one lesson gather before the trainers hear the list: each push is the
 * whole list, so one per join would cost N pushes of N names while a class of N arrives. Joiners get
 * the list in their join reply.
 */
export const PRESENCE_GATHER_MS = 500;

/**
 * Tells a lesson's trainers who is present, at most once per lesson per PRESENCE_GATHER_MS. Only the
 * trainers: the trainee's page shows no list, and the whole list to the whole room on every join cost
 * 45,000 messages (1.3 GB) and 43 s while 300 trainees joined (bench/_course-socket.ts).
 */
export class PresenceTeller {
  private readonly due = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ctx: LessonContext,
    private readonly onError: (err: unknown) => void,
    private readonly gatherMs = PRESENCE_GATHER_MS,
  ) {}

  /** The lesson's presence changed: the room hears the list as it is when the push goes out. */
  changed(lessonId: string, courseId: string): void {
    if (this.due.has(lessonId)) return;
    const timer = setTimeout(() => {
      this.due.delete(lessonId);
      this.ctx.live.present(lessonId, courseId).then(
        (present) => this.ctx.broadcast(lessonTrainersRoom(lessonId), "lesson:presence", { lessonId, present }),
        this.onError,
      );
    }, this.gatherMs);
    timer.unref();
    this.due.set(lessonId, timer);
  }

  /** A server that stops pushes nothing more. */
  stop(): void {
    for (const timer of this.due.values()) clearTimeout(timer);
    this.due.clear();
  }
}
