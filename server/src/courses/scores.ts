import type { CoursePerson, LessonScore, QuizAnswer } from "@telecal/protocols";
import type { StoredQuiz } from "./quiz-repository";

/** Each trainee's total over the quizzes given, with the most they could have scored. */
export function lessonScores(trainees: CoursePerson[], quizzes: StoredQuiz[], answers: QuizAnswer[]): LessonScore[] {
  const maxScore = quizzes.reduce((sum, q) => sum + q.row.points, 0);
  return trainees.map((t) => {
    const theirs = answers.filter((a) => a.user.userId === t.userId);
    return { ...t, score: theirs.reduce((sum, a) => sum + (a.score ?? 0), 0), maxScore, answered: theirs.length };
  });
}
