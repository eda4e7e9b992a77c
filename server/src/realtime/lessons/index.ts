import { NAMESPACE, type ServerToUiEvents, type UiToServerEvents } from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import type { Namespace, Server } from "socket.io";
import type { CourseService } from "../../courses/service";
import { DEFAULT_LESSON_OPTIONS, LessonContext, type LessonOptions, type LessonPorts } from "./context";
import { attachLessonEvents } from "./namespace";
import { LessonService } from "./service";

export { DEFAULT_LESSON_OPTIONS, type LessonOptions, type LessonPorts, type LessonStageHolder, lessonRoom } from "./context";
export { LESSON_EVENTS } from "./namespace";
export { LessonService } from "./service";

/** Live lessons of courses on /ui (docs/protocol.md, Lessons). */
export function attachLessons(io: Server, courses: CourseService, log: FastifyBaseLogger, ports: LessonPorts, options: Partial<LessonOptions> = {}): LessonService {
  const ui = io.of(NAMESPACE.ui) as unknown as Namespace<UiToServerEvents, ServerToUiEvents>;
  const ctx = new LessonContext(courses.repo, courses.access, courses.live, courses.quizzes, (to, event, ...args) =>
    (typeof to === "string" ? ui.to(to) : ui.to(to.room).except(to.except)).emit(event, ...args),
    ports,
  );
  const lessons = new LessonService(ctx, { ...DEFAULT_LESSON_OPTIONS, ...options }, (err) => log.warn({ err: String(err) }, "lesson presence not pushed"));
  const evict = attachLessonEvents(io, lessons, log);
  courses.onRemoved((userId, lessonIds) => evict(userId, lessonIds).catch((err: unknown) => log.warn({ err: String(err), userId }, "could not put a removed trainee out of the lessons")));
  return lessons;
}
