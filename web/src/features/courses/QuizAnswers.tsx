import type { Quiz, QuizAnswer } from "@telecal/protocols";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { LessonPanelProps } from "./LessonPage";
import { keyText, responseText } from "./quiz-text";

/** A trainee's quizzes: each open one to answer (again, until it closes); each closed one with the right answer. */
export function QuizAnswers({ store, state }: LessonPanelProps) {
  const { t } = useTranslation();
  const own = state.scores[0];
  return (
    <section className="panel" aria-labelledby="answers-heading" data-testid="quiz-answers">
      <h2 id="answers-heading">{t("lesson.quizzes")}</h2>
      {own && <p data-testid="own-score">{t("lesson.scores")}: {t("lesson.score", { score: own.score, max: own.maxScore })}</p>}
      {state.quizzes.length === 0 && <p className="muted">{t("lesson.noQuiz")}</p>}
      {[...state.quizzes].reverse().map((q) => (
        <QuizCard key={q.id} quiz={q} answer={state.answers.find((a) => a.quizId === q.id)} store={store} />
      ))}
    </section>
  );
}

function QuizCard({ quiz, answer, store }: { quiz: Quiz; answer: QuizAnswer | undefined; store: LessonPanelProps["store"] }) {
  const { t } = useTranslation();
  const [choices, setChoices] = useState<number[]>([]);
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const open = quiz.status === "open";
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const response = quiz.kind === "numeric" ? { value: Number(value) } : { choices };
    const reply = await store.ask<{ answer: QuizAnswer }>("lesson:quiz-answer", { quizId: quiz.id, response });
    if (reply.ok) store.ownAnswer(reply.answer);
    setError(reply.ok ? null : reply.error.code);
  };
  const pick = (i: number) => setChoices((c) => (quiz.kind === "single" ? [i] : c.includes(i) ? c.filter((x) => x !== i) : [...c, i]));
  return (
    <article className="quiz" data-testid="trainee-quiz" data-quiz={quiz.id} data-status={quiz.status}>
      <h3>{quiz.question}</h3>
      {open && (
        <form className="form" onSubmit={(e) => void submit(e)}>
          {quiz.kind === "numeric" ? (
            <label>
              <input type="number" step="any" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} required data-testid="answer-value" /> {quiz.unit}
            </label>
          ) : (
            quiz.options.map((o, i) => (
              <label key={i} className="quiz-option">
                <input type={quiz.kind === "single" ? "radio" : "checkbox"} name={`quiz-${quiz.id}`} checked={choices.includes(i)} onChange={() => pick(i)} data-testid={`answer-option-${i}`} /> {o}
              </label>
            ))
          )}
          <button type="submit" data-testid="answer-submit">{t("lesson.answer")}</button>
        </form>
      )}
      {answer && <p data-testid="answer-given">{t("lesson.yourAnswer", { answer: responseText(quiz, answer.response) })}</p>}
      {!open && quiz.key && (
        <p data-testid="answer-result">
          {t("lesson.key", { key: keyText(quiz, quiz.key) })}
          {answer && ` — ${answer.correct ? `✔ ${t("lesson.right")}` : `✘ ${t("lesson.wrong")}`}`}
        </p>
      )}
      {error && <p className="error">{t("lesson.refused", { code: error })}</p>}
    </article>
  );
}
