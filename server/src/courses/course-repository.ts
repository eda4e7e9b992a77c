import type { CoursePerson } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { Schema } from "../store/schema";
import type { CourseEnrolmentsTable, CoursesTable, LessonsTable } from "./schema";

/** A course's enrolled trainee with how and when they were enrolled. */
export interface EnrolmentRow extends CoursePerson {
  enrolledAt: number;
  via: CourseEnrolmentsTable["via"];
}

/** Rows of courses, their trainers, enrolments and lessons. No authorisation here: access.ts decides. */
export class CourseRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async course(id: string): Promise<CoursesTable | undefined> {
    return this.db.selectFrom("courses").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async courseByCode(code: string): Promise<CoursesTable | undefined> {
    return this.db.selectFrom("courses").selectAll().where("invite_code", "=", code).executeTakeFirst();
  }

  /** The courses of one organisation, newest first. */
  async organisationCourses(organisationId: string): Promise<CoursesTable[]> {
    return this.db.selectFrom("courses").selectAll().where("organisation_id", "=", organisationId).orderBy("created_at", "desc").orderBy("id").execute();
  }

  /** The courses a user is enrolled in, newest first. */
  async enrolledCourses(userId: string): Promise<CoursesTable[]> {
    return this.db
      .selectFrom("courses")
      .innerJoin("course_enrolments", "course_enrolments.course_id", "courses.id")
      .selectAll("courses")
      .where("course_enrolments.user_id", "=", userId)
      .orderBy("courses.created_at", "desc")
      .orderBy("courses.id")
      .execute();
  }

  async insertCourse(row: CoursesTable, trainerIds: string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto("courses").values(row).execute();
      await trx.insertInto("course_trainers").values(trainerIds.map((user_id) => ({ course_id: row.id, user_id }))).execute();
    });
  }

  async trainers(courseId: string): Promise<CoursePerson[]> {
    return this.db
      .selectFrom("course_trainers")
      .innerJoin("users", "users.id", "course_trainers.user_id")
      .select(["users.id as userId", "users.username as username", "users.display_name as displayName"])
      .where("course_trainers.course_id", "=", courseId)
      .orderBy("users.username")
      .execute();
  }

  async isTrainer(courseId: string, userId: string): Promise<boolean> {
    const row = await this.db.selectFrom("course_trainers").select("user_id").where("course_id", "=", courseId).where("user_id", "=", userId).executeTakeFirst();
    return row !== undefined;
  }

  async isEnrolled(courseId: string, userId: string): Promise<boolean> {
    const row = await this.db.selectFrom("course_enrolments").select("user_id").where("course_id", "=", courseId).where("user_id", "=", userId).executeTakeFirst();
    return row !== undefined;
  }

  async enrolments(courseId: string): Promise<EnrolmentRow[]> {
    return this.db
      .selectFrom("course_enrolments")
      .innerJoin("users", "users.id", "course_enrolments.user_id")
      .select(["users.id as userId", "users.username as username", "users.display_name as displayName", "course_enrolments.enrolled_at as enrolledAt", "course_enrolments.via as via"])
      .where("course_enrolments.course_id", "=", courseId)
      .orderBy("users.username")
      .execute();
  }

  async traineeCount(courseId: string): Promise<number> {
    const row = await this.db.selectFrom("course_enrolments").select((eb) => eb.fn.countAll<number>().as("n")).where("course_id", "=", courseId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Enrols those not enrolled yet, in one transaction; answers the ids enrolled now. */
  async enrol(courseId: string, userIds: string[], via: CourseEnrolmentsTable["via"], now: number): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const had = await trx.selectFrom("course_enrolments").select("user_id").where("course_id", "=", courseId).execute();
      const known = new Set(had.map((r) => r.user_id));
      const fresh = [...new Set(userIds)].filter((id) => !known.has(id));
      if (fresh.length > 0) await trx.insertInto("course_enrolments").values(fresh.map((user_id) => ({ course_id: courseId, user_id, enrolled_at: now, via }))).execute();
      return fresh;
    });
  }

  /** Takes the trainee out of the course; false if they were not enrolled. */
  async unenrol(courseId: string, userId: string): Promise<boolean> {
    const result = await this.db.deleteFrom("course_enrolments").where("course_id", "=", courseId).where("user_id", "=", userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async setInviteCode(courseId: string, code: string): Promise<void> {
    await this.db.updateTable("courses").set({ invite_code: code }).where("id", "=", courseId).execute();
  }

  async lessons(courseId: string): Promise<LessonsTable[]> {
    return this.db.selectFrom("lessons").selectAll().where("course_id", "=", courseId).orderBy("starts_at").orderBy("id").execute();
  }

  async lesson(id: string): Promise<LessonsTable | undefined> {
    return this.db.selectFrom("lessons").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async insertLesson(row: LessonsTable): Promise<void> {
    await this.db.insertInto("lessons").values(row).execute();
  }
}
