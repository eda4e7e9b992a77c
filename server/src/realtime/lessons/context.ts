import { type CoursePerson, type ServerToUiEvents, TelecalError, type UserInfo } from "@telecal/protocols";
import type { CourseAccess } from "../../courses/access";
import type { CourseRepository } from "../../courses/course-repository";
import type { LessonLiveRepository } from "../../courses/live-repository";
import type { QuizRepository } from "../../courses/quiz-repository";
import type { CoursesTable, LessonsTable } from "../../courses/schema";
import type { LessonBenchSource } from "./bench";

/** The room of a lesson on /ui: its trainers and the trainees in it. */
export function lessonRoom(lessonId: string): string {
  return `lesson:${lessonId}`;
}

/** The lesson's trainers only: answers as they come go here, never to trainees. */
export function lessonTrainersRoom(lessonId: string): string {
  return `lesson:${lessonId}:trainers`;
}

/** A room, or a room but for those also in another (the trainees of a lesson: its room but its trainers'). */
export type LessonAudience = string | { room: string; except: string };

/** How the server reaches a lesson's room (through the adapter: every process of a cluster). */
export type LessonBroadcast = <E extends keyof ServerToUiEvents & `lesson:${string}`>(to: LessonAudience, event: E, ...args: Parameters<ServerToUiEvents[E]>) => void;

/** Someone let into a lesson for one event: the lesson, its course, their part and how the room names them. */
export interface Admitted {
  lesson: LessonsTable;
  course: CoursesTable;
  part: "trainer" | "trainee";
  person: CoursePerson;
}

export interface LessonOptions {
  /** Chat messages per user in each window. */
  chatLimit: { max: number; windowMs: number };
  /** Messages a joiner gets. */
  recentChat: number;
}

export const DEFAULT_LESSON_OPTIONS: LessonOptions = { chatLimit: { max: 10, windowMs: 10_000 }, recentChat: 100 };

/** Who is on a lesson's stage: kept by the lesson's media room in this process (media-rooms.ts). */
export interface LessonStageHolder {
  set(lessonId: string, userId: string | null): void;
  get(lessonId: string): string | null;
  /** The person is out of the lesson: their video tickets are withdrawn and their participants kicked. */
  withdraw(lessonId: string, userId: string): Promise<void>;
}

/** What lessons take from the rest of the server: the stage of their video, their bench. */
export interface LessonPorts {
  stage: LessonStageHolder;
  bench: LessonBenchSource;
}

/** The stores and checks every lesson event uses. */
export class LessonContext {
  constructor(
    readonly courses: CourseRepository,
    readonly access: CourseAccess,
    readonly live: LessonLiveRepository,
    readonly quizzes: QuizRepository,
    readonly broadcast: LessonBroadcast,
    readonly ports: LessonPorts,
  ) {}

  /**
   * The course's trainers and its enrolled trainees, and nobody else, asked at every event (an
   * enrolment or a trainer list as it is now, never as at join).
   */
  async admit(user: UserInfo, lessonId: string): Promise<Admitted> {
    const lesson = await this.courses.lesson(lessonId);
    const course = lesson ? await this.courses.course(lesson.course_id) : undefined;
    if (!lesson || !course) throw new TelecalError("TC_ERR_LESSON_NOT_FOUND", { lesson: lessonId });
    const part = await this.access.part(user, course);
    if (part !== "trainer" && part !== "trainee") throw new TelecalError("TC_ERR_LESSON_NOT_ENROLLED", { user: user.username, course: course.id, lesson: lessonId });
    return { lesson, course, part, person: { userId: user.id, username: user.username, displayName: user.displayName } };
  }

  trainerOnly(a: Admitted, what: string): void {
    if (a.part !== "trainer") throw new TelecalError("TC_ERR_LESSON_TRAINER_ONLY", { what, lesson: a.lesson.id });
  }
}
