import { TelecalError, type UserInfo } from "@telecal/protocols";
import type { CourseRepository } from "./course-repository";
import type { CoursesTable, LessonsTable } from "./schema";

/** A trainer runs the course; a trainee is enrolled in it; a reader (another trainer or an admin of its organisation) may look. */
export type CoursePart = "trainer" | "trainee" | "reader";

/**
 * Who may see and run a course, asked at every request and lesson event (never remembered): the
 * course's own trainers run it, trainers and admins of its organisation read it, an enrolled
 * trainee sees it; to anyone else it does not exist (404, so that ids leak nothing).
 */
export class CourseAccess {
  constructor(private readonly repo: CourseRepository) {}

  async part(user: UserInfo, course: CoursesTable): Promise<CoursePart | null> {
    if (user.role === "trainer" || user.role === "admin") {
      if (course.organisation_id !== user.organisation.id) return null;
      return user.role === "trainer" && (await this.repo.isTrainer(course.id, user.id)) ? "trainer" : "reader";
    }
    if (user.role === "trainee" && (await this.repo.isEnrolled(course.id, user.id))) return "trainee";
    return null;
  }

  async see(user: UserInfo, courseId: string): Promise<{ course: CoursesTable; part: CoursePart }> {
    const course = await this.repo.course(courseId);
    const part = course ? await this.part(user, course) : null;
    if (!course || !part) throw new TelecalError("TC_ERR_COURSE_NOT_FOUND", { course: courseId });
    return { course, part };
  }

  /** The course, for one of its own trainers to change or export. */
  async run(user: UserInfo, courseId: string, what: string): Promise<CoursesTable> {
    const { course, part } = await this.see(user, courseId);
    if (part !== "trainer") throw new TelecalError("TC_ERR_COURSE_FORBIDDEN", { who: `${user.role} ${user.username}`, what, course: courseId });
    return course;
  }

  /** A lesson and its course, if the user may see the course. */
  async lesson(user: UserInfo, lessonId: string): Promise<{ lesson: LessonsTable; course: CoursesTable; part: CoursePart }> {
    const lesson = await this.repo.lesson(lessonId);
    const course = lesson ? await this.repo.course(lesson.course_id) : undefined;
    const part = course ? await this.part(user, course) : null;
    if (!lesson || !course || !part) throw new TelecalError("TC_ERR_LESSON_NOT_FOUND", { lesson: lessonId });
    return { lesson, course, part };
  }
}
