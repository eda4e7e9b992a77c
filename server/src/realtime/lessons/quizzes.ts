import { randomUUID } from "node:crypto";
import { type Quiz, type QuizAnswer, type QuizAnswerSend, QuizOpen, TelecalError } from "@telecal/protocols";
import { quizView, type StoredQuiz } from "../../courses/quiz-repository";
import { scoreAnswer } from "../../courses/scoring";
import { type Admitted, type LessonContext, lessonRoom, lessonTrainersRoom } from "./context";

/** An answer as its trainee sees it while the quiz is open: taken, not marked. */
export function hidden(answer: QuizAnswer): QuizAnswer {
  return { ...answer, correct: null, score: null };
}

/**
 * Quizzes and polls of a lesson: a trainer opens and closes them; trainees answer while open (a new
 * answer replaces theirs). Each answer reaches the trainers at once, and nobody else; the room
 * learns the right answer when the quiz closes.
 */
export class LessonQuizzes {
  constructor(private readonly ctx: LessonContext) {}

  async open(a: Admitted, input: QuizOpen, now = Date.now()): Promise<Quiz> {
    this.ctx.trainerOnly(a, "open a quiz");
    const body = QuizOpen.parse(input);
    const stored = await this.ctx.quizzes.insert({ id: randomUUID(), lesson_id: a.lesson.id, question: body.question, points: body.points, opened_at: now, closed_at: null }, body.key);
    this.tell(stored);
    return quizView(stored, true);
  }

  async close(a: Admitted, quizId: string, now = Date.now()): Promise<Quiz> {
    this.ctx.trainerOnly(a, "close a quiz");
    await this.quiz(a, quizId);
    await this.ctx.quizzes.close(quizId, now);
    const stored = await this.quiz(a, quizId);
    this.tell(stored);
    return quizView(stored, true);
  }

  async answer(a: Admitted, body: QuizAnswerSend, now = Date.now()): Promise<QuizAnswer> {
    if (a.part !== "trainee") throw new TelecalError("TC_ERR_QUIZ_ANSWER", { quiz: body.quizId, reason: "trainers set quizzes; only trainees answer them" });
    const stored = await this.quiz(a, body.quizId);
    if (stored.row.closed_at !== null) throw new TelecalError("TC_ERR_QUIZ_CLOSED", { quiz: body.quizId });
    const { correct, score } = scoreAnswer(body.quizId, stored.key, stored.row.points, body.response);
    await this.ctx.quizzes.answer({ quizId: body.quizId, userId: a.person.userId, response: body.response, correct, score, at: now });
    const answer: QuizAnswer = { quizId: body.quizId, user: a.person, response: body.response, correct, score, at: now };
    this.ctx.broadcast(lessonTrainersRoom(a.lesson.id), "lesson:answer", answer);
    return hidden(answer);
  }

  private async quiz(a: Admitted, quizId: string): Promise<StoredQuiz> {
    const stored = await this.ctx.quizzes.quiz(a.lesson.id, quizId);
    if (!stored) throw new TelecalError("TC_ERR_QUIZ_NOT_FOUND", { quiz: quizId, lesson: a.lesson.id });
    return stored;
  }

  /** Trainers get the quiz with its key; trainees the key only once closed. */
  private tell(stored: StoredQuiz): void {
    this.ctx.broadcast({ room: lessonRoom(stored.row.lesson_id), except: lessonTrainersRoom(stored.row.lesson_id) }, "lesson:quiz", quizView(stored, false));
    this.ctx.broadcast(lessonTrainersRoom(stored.row.lesson_id), "lesson:quiz", quizView(stored, true));
  }
}
