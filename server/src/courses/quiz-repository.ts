import { canonicalJson, parseJson, type Quiz, type QuizAnswer, QuizKey, QuizResponse } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { Schema } from "../store/schema";
import type { LessonQuizzesTable } from "./schema";

/** A quiz as stored, its key parsed. */
export interface StoredQuiz {
  row: LessonQuizzesTable;
  key: QuizKey;
}

/** A quiz as the room sees it; the key only for a trainer, or once closed. */
export function quizView({ row, key }: StoredQuiz, withKey: boolean): Quiz {
  return {
    id: row.id,
    lessonId: row.lesson_id,
    question: row.question,
    points: row.points,
    kind: key.kind,
    options: key.kind === "numeric" ? [] : key.options,
    unit: key.kind === "numeric" ? key.unit : "",
    status: row.closed_at === null ? "open" : "closed",
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    key: withKey || row.closed_at !== null ? key : null,
  };
}

/** Quizzes of lessons and their answers. No authorisation here. */
export class QuizRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(row: Omit<LessonQuizzesTable, "key">, key: QuizKey): Promise<StoredQuiz> {
    const full = { ...row, key: canonicalJson(key) };
    await this.db.insertInto("lesson_quizzes").values(full).execute();
    return { row: full, key };
  }

  async quiz(lessonId: string, quizId: string): Promise<StoredQuiz | undefined> {
    const row = await this.db.selectFrom("lesson_quizzes").selectAll().where("lesson_id", "=", lessonId).where("id", "=", quizId).executeTakeFirst();
    return row ? this.parse(row) : undefined;
  }

  async quizzes(lessonId: string): Promise<StoredQuiz[]> {
    const rows = await this.db.selectFrom("lesson_quizzes").selectAll().where("lesson_id", "=", lessonId).orderBy("opened_at").orderBy("id").execute();
    return rows.map((r) => this.parse(r));
  }

  /** Closes it if open; answers whether it was. */
  async close(quizId: string, now: number): Promise<boolean> {
    const res = await this.db.updateTable("lesson_quizzes").set({ closed_at: now }).where("id", "=", quizId).where("closed_at", "is", null).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** A trainee's answer; a second one while the quiz is open replaces the first. */
  async answer(a: { quizId: string; userId: string; response: QuizResponse; correct: boolean; score: number; at: number }): Promise<void> {
    const values = { quiz_id: a.quizId, user_id: a.userId, response: canonicalJson(a.response), correct: a.correct ? 1 : 0, score: a.score, at: a.at };
    await this.db
      .insertInto("lesson_quiz_answers")
      .values(values)
      .onConflict((oc) => oc.columns(["quiz_id", "user_id"]).doUpdateSet({ response: values.response, correct: values.correct, score: values.score, at: values.at }))
      .execute();
  }

  /** Every answer to the lesson's quizzes (or one user's), in the order given. */
  async answers(lessonId: string, userId?: string): Promise<QuizAnswer[]> {
    let q = this.db
      .selectFrom("lesson_quiz_answers")
      .innerJoin("lesson_quizzes", "lesson_quizzes.id", "lesson_quiz_answers.quiz_id")
      .innerJoin("users", "users.id", "lesson_quiz_answers.user_id")
      .select([
        "lesson_quiz_answers.quiz_id as quizId",
        "users.id as userId",
        "users.username as username",
        "users.display_name as displayName",
        "lesson_quiz_answers.response as response",
        "lesson_quiz_answers.correct as correct",
        "lesson_quiz_answers.score as score",
        "lesson_quiz_answers.at as at",
      ])
      .where("lesson_quizzes.lesson_id", "=", lessonId);
    if (userId !== undefined) q = q.where("lesson_quiz_answers.user_id", "=", userId);
    const rows = await q.orderBy("lesson_quiz_answers.at").orderBy("users.username").execute();
    return rows.map((r) => ({
      quizId: r.quizId,
      user: { userId: r.userId, username: r.username, displayName: r.displayName },
      response: parseJson(QuizResponse, r.response, `answer to quiz ${r.quizId}`, "TC_ERR_STORED_INVALID"),
      correct: Number(r.correct) === 1,
      score: Number(r.score),
      at: Number(r.at),
    }));
  }

  private parse(row: LessonQuizzesTable): StoredQuiz {
    return { row, key: parseJson(QuizKey, row.key, `key of quiz ${row.id}`, "TC_ERR_STORED_INVALID") };
  }
}
