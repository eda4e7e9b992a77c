import type { Kysely, Migration } from "kysely";

/**
 * Courses and their live lessons. Everything a lesson's room shares (attendance stints, hands, chat,
 * mutes, quizzes and answers) is kept here rather than in one process's memory, so that people
 * served by different processes of a cluster see one lesson, and attendance survives a restart.
 */
export const courses: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("courses")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull())
      /** Null: none handed out. Unique, so that a code names one course. */
      .addColumn("invite_code", "text", (c) => c.unique())
      .addColumn("created_by", "text", (c) => c.notNull().references("users.id"))
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("courses_organisation").on("courses").columns(["organisation_id", "created_at"]).execute();
    await db.schema
      .createTable("course_trainers")
      .addColumn("course_id", "text", (c) => c.notNull().references("courses.id"))
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
      .addPrimaryKeyConstraint("course_trainers_pk", ["course_id", "user_id"])
      .execute();
    await db.schema
      .createTable("course_enrolments")
      .addColumn("course_id", "text", (c) => c.notNull().references("courses.id"))
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
      .addColumn("enrolled_at", "bigint", (c) => c.notNull())
      /** trainer | csv | invite-code */
      .addColumn("via", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("course_enrolments_pk", ["course_id", "user_id"])
      .execute();
    await db.schema.createIndex("course_enrolments_user").on("course_enrolments").columns(["user_id"]).execute();
    await db.schema
      .createTable("lessons")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("course_id", "text", (c) => c.notNull().references("courses.id"))
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("starts_at", "bigint", (c) => c.notNull())
      .addColumn("ends_at", "bigint", (c) => c.notNull())
      .addColumn("agent_id", "text", (c) => c.references("agents.id"))
      .addColumn("procedure_id", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("lessons_course").on("lessons").columns(["course_id", "starts_at"]).execute();
    await db.schema
      .createTable("lesson_attendance")
      .addColumn("lesson_id", "text", (c) => c.notNull().references("lessons.id"))
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
      .addColumn("joined_at", "bigint", (c) => c.notNull())
      /** Null while the person is in the room. */
      .addColumn("left_at", "bigint")
      .addPrimaryKeyConstraint("lesson_attendance_pk", ["lesson_id", "user_id", "joined_at"])
      .execute();
    await db.schema
      .createTable("lesson_hands")
      .addColumn("lesson_id", "text", (c) => c.notNull().references("lessons.id"))
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
      .addColumn("raised_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("lesson_hands_pk", ["lesson_id", "user_id"])
      .execute();
    await db.schema
      .createTable("lesson_chat")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("lesson_id", "text", (c) => c.notNull().references("lessons.id"))
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
      .addColumn("text", "text", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      /** Set when a trainer deleted it: kept, not shown. */
      .addColumn("deleted_by", "text")
      .addColumn("deleted_at", "bigint")
      .execute();
    await db.schema.createIndex("lesson_chat_lesson").on("lesson_chat").columns(["lesson_id", "at"]).execute();
    await db.schema
      .createTable("lesson_mutes")
      .addColumn("lesson_id", "text", (c) => c.notNull().references("lessons.id"))
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
      .addColumn("muted_by", "text", (c) => c.notNull())
      .addColumn("muted_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("lesson_mutes_pk", ["lesson_id", "user_id"])
      .execute();
    await db.schema
      .createTable("lesson_quizzes")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("lesson_id", "text", (c) => c.notNull().references("lessons.id"))
      .addColumn("question", "text", (c) => c.notNull())
      .addColumn("points", "integer", (c) => c.notNull())
      /** QuizKey as JSON: kind, options, and what is right. */
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("opened_at", "bigint", (c) => c.notNull())
      .addColumn("closed_at", "bigint")
      .execute();
    await db.schema.createIndex("lesson_quizzes_lesson").on("lesson_quizzes").columns(["lesson_id", "opened_at"]).execute();
    await db.schema
      .createTable("lesson_quiz_answers")
      .addColumn("quiz_id", "text", (c) => c.notNull().references("lesson_quizzes.id"))
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
      /** QuizResponse as JSON. */
      .addColumn("response", "text", (c) => c.notNull())
      .addColumn("correct", "integer", (c) => c.notNull())
      .addColumn("score", "integer", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("lesson_quiz_answers_pk", ["quiz_id", "user_id"])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ["lesson_quiz_answers", "lesson_quizzes", "lesson_mutes", "lesson_chat", "lesson_hands", "lesson_attendance", "lessons", "course_enrolments", "course_trainers", "courses"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
