import { randomUUID } from "node:crypto";
import type { Procedure } from "@telecal/metrology";
import {
  type Attendance,
  type Course,
  type CreateCourseRequest,
  type CreateLessonRequest,
  CreateLessonRequest as LessonBody,
  CreateCourseRequest as CourseBody,
  type Enrolment,
  type EnrolRequest,
  EnrolRequest as EnrolBody,
  type EnrolResult,
  type InviteCode,
  type Lesson,
  TelecalError,
  type TrainingCriteria,
  type UserInfo,
} from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { AuthRepository } from "../auth/auth-repository";
import { RegistryRepository } from "../registry/repository";
import type { DialectName } from "../store/db";
import type { Schema } from "../store/schema";
import { CourseAccess, type CoursePart } from "./access";
import { lessonAttendance } from "./attendance";
import { setCourseCriteria } from "./criteria";
import { LessonLiveRepository } from "./live-repository";
import { QuizRepository } from "./quiz-repository";
import { CourseRepository } from "./course-repository";
import { usernamesOfCsv } from "./enrolment-csv";
import { newInviteCode, normaliseInviteCode } from "./invite-code";
import { coursePeople } from "./people";
import type { CoursesTable } from "./schema";
import { courseView, lessonView } from "./views";

/**
 * Courses over REST: trainers create and run those of their organisation (lessons, enrolment,
 * invite codes); trainees see the ones they are enrolled in. Access is access.ts's, asked each time.
 */
export class CourseService {
  readonly repo: CourseRepository;
  readonly access: CourseAccess;
  readonly live: LessonLiveRepository;
  readonly quizzes: QuizRepository;
  private readonly removedListeners = new Set<(userId: string, lessonIds: string[]) => Promise<void>>();

  constructor(
    readonly db: Kysely<Schema>,
    private readonly users: AuthRepository,
    private readonly procedures: () => Map<string, Procedure>,
    private readonly dialect: DialectName,
  ) {
    this.repo = new CourseRepository(db);
    this.access = new CourseAccess(this.repo);
    this.live = new LessonLiveRepository(db);
    this.quizzes = new QuizRepository(db);
  }

  async list(user: UserInfo): Promise<Course[]> {
    const rows = user.role === "trainee" ? await this.repo.enrolledCourses(user.id) : await this.repo.organisationCourses(user.organisation.id);
    const courses: Course[] = [];
    for (const row of rows) {
      const part = await this.access.part(user, row);
      if (part) courses.push(await this.view(row, part));
    }
    return courses;
  }

  async get(user: UserInfo, id: string): Promise<Course> {
    const { course, part } = await this.access.see(user, id);
    return this.view(course, part);
  }

  async create(user: UserInfo, input: CreateCourseRequest, now = Date.now()): Promise<Course> {
    const body = CourseBody.parse(input);
    const others = await coursePeople(this.users, "trainers", body.trainers.filter((u) => u !== user.username), "trainer", [user.organisation.id]);
    const row: CoursesTable = {
      id: randomUUID(),
      organisation_id: user.organisation.id,
      title: body.title,
      description: body.description,
      invite_code: null,
      pass_presence_percent: null,
      pass_score_percent: null,
      created_by: user.id,
      created_at: now,
    };
    await this.repo.insertCourse(row, [user.id, ...others.map((o) => o.id)]);
    return this.view(row, "trainer");
  }

  async addLesson(user: UserInfo, courseId: string, input: CreateLessonRequest, now = Date.now()): Promise<Lesson> {
    const course = await this.access.run(user, courseId, "add lessons");
    const body = LessonBody.parse(input);
    if (body.bench) {
      const { agentId, procedureId } = body.bench;
      const registry = new RegistryRepository(this.db);
      const visible = await registry.visibleOrganisations(course.organisation_id);
      const owner = await registry.agentOrganisation(agentId);
      if (owner === null || owner === undefined || !visible.includes(owner)) {
        throw new TelecalError("TC_ERR_LESSON_BENCH", { agent: agentId, procedure: procedureId, reason: "no such agent in the course's organisation" });
      }
      if (!this.procedures().has(procedureId)) throw new TelecalError("TC_ERR_LESSON_BENCH", { agent: agentId, procedure: procedureId, reason: "no such procedure on this server" });
    }
    const row = {
      id: randomUUID(),
      course_id: course.id,
      title: body.title,
      starts_at: body.startsAt,
      ends_at: body.endsAt,
      agent_id: body.bench?.agentId ?? null,
      procedure_id: body.bench?.procedureId ?? null,
      created_at: now,
    };
    await this.repo.insertLesson(row);
    return lessonView(row);
  }

  /** Enrols trainees of the course's organisation (or of a station it supervises), all or none. */
  async enrol(user: UserInfo, courseId: string, input: EnrolRequest, now = Date.now()): Promise<EnrolResult> {
    const course = await this.access.run(user, courseId, "enrol trainees");
    const body = EnrolBody.parse(input);
    const fromCsv = body.csv === undefined ? [] : usernamesOfCsv(body.csv);
    const usernames = [...new Set([...body.usernames, ...fromCsv])];
    const visible = await new RegistryRepository(this.db).visibleOrganisations(course.organisation_id);
    const people = await coursePeople(this.users, "trainees", usernames, "trainee", visible);
    const fresh = new Set(await this.repo.enrol(course.id, people.map((p) => p.id), fromCsv.length > 0 ? "csv" : "trainer", now));
    return { enrolled: people.filter((p) => fresh.has(p.id)).map((p) => p.username), already: people.filter((p) => !fresh.has(p.id)).map((p) => p.username) };
  }

  /**
   * Takes a trainee out of the course (its trainers, or an admin of its organisation): every request
   * and lesson event of theirs is refused from now on, and the lessons put them out (onRemoved).
   */
  async unenrol(user: UserInfo, courseId: string, userId: string): Promise<void> {
    const { course, part } = await this.access.see(user, courseId);
    if (part !== "trainer" && user.role !== "admin") throw new TelecalError("TC_ERR_COURSE_FORBIDDEN", { who: `${user.role} ${user.username}`, what: "remove trainees", course: courseId });
    if (!(await this.repo.unenrol(course.id, userId))) throw new TelecalError("TC_ERR_COURSE_NOT_ENROLLED", { user: userId, course: courseId });
    const lessons = (await this.repo.lessons(course.id)).map((l) => l.id);
    // Out of the lessons' rooms before the answer: nothing of the course reaches them after it.
    for (const listener of this.removedListeners) await listener(userId, lessons);
  }

  /** Called after a trainee was taken out of a course, with the course's lessons. */
  onRemoved(listener: (userId: string, lessonIds: string[]) => Promise<void>): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  async enrolments(user: UserInfo, courseId: string): Promise<Enrolment[]> {
    const course = await this.access.run(user, courseId, "list its trainees");
    return this.repo.enrolments(course.id);
  }

  /** A new invite code for the course; the one before stops working. */
  async newInviteCode(user: UserInfo, courseId: string): Promise<InviteCode> {
    const course = await this.access.run(user, courseId, "hand out invite codes");
    const code = newInviteCode();
    await this.repo.setInviteCode(course.id, code);
    return { courseId: course.id, code };
  }

  /** A trainee of any organisation enrols with the code the trainer handed out. */
  async joinByCode(user: UserInfo, typed: string, now = Date.now()): Promise<Course> {
    const course = await this.repo.courseByCode(normaliseInviteCode(typed));
    if (!course) throw new TelecalError("TC_ERR_COURSE_INVITE_CODE");
    await this.repo.enrol(course.id, [user.id], "invite-code", now);
    return this.view(course, "trainee");
  }

  /** The course's training criteria (培训证明), set by one of its trainers; the change is a record of the log. */
  async setCriteria(user: UserInfo, courseId: string, criteria: TrainingCriteria, now = Date.now()): Promise<Course> {
    const course = await this.access.run(user, courseId, "set the training criteria");
    await setCourseCriteria(this.db, this.dialect, user, course, criteria, now);
    return this.get(user, course.id);
  }

  /** A lesson's attendance, for the course's trainers: every enrolled trainee, with stints, presence and score. */
  async attendance(user: UserInfo, courseId: string, lessonId: string, now = Date.now()): Promise<Attendance> {
    const course = await this.access.run(user, courseId, "export attendance");
    const lesson = await this.repo.lesson(lessonId);
    if (!lesson || lesson.course_id !== course.id) throw new TelecalError("TC_ERR_LESSON_NOT_FOUND", { lesson: lessonId });
    return lessonAttendance({ courses: this.repo, live: this.live, quizzes: this.quizzes }, course, lesson, now);
  }

  private async view(row: CoursesTable, part: CoursePart): Promise<Course> {
    return courseView(row, part, await this.repo.trainers(row.id), await this.repo.lessons(row.id), await this.repo.traineeCount(row.id));
  }
}

export type { CoursePart };
