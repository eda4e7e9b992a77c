import type { QuizKey } from "@telecal/protocols";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { LessonPanelProps } from "./LessonPage";
import { keyText, responseText } from "./quiz-text";

type Kind = QuizKey["kind"];

/** Option numbers as a trainer types them (from 1, commas or spaces) as indexes from 0. */
const indexes = (typed: string) => typed.split(/[\s,，、]+/).filter(Boolean).map((n) => Number(n) - 1);

/** The trainer's quizzes: a form to open one, and each quiz with its answers as they come, to close. */
export function QuizBuilder({ store, state }: LessonPanelProps) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<Kind>("single");
  const [question, setQuestion] = useState("");
  const [options, setOptions] = useState("");
  const [correct, setCorrect] = useState("");
  const [value, setValue] = useState("");
  const [tolerance, setTolerance] = useState("");
  const [unit, setUnit] = useState("");
  const [points, setPoints] = useState("1");
  const [error, setError] = useState<string | null>(null);
  const keyOf = (): QuizKey => {
    const opts = options.split("\n").map((o) => o.trim()).filter(Boolean);
    if (kind === "numeric") return { kind, value: Number(value), tolerance: Number(tolerance || 0), unit };
    if (kind === "single") return { kind, options: opts, correct: indexes(correct)[0] ?? -1 };
    return { kind, options: opts, correct: indexes(correct) };
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const reply = await store.ask("lesson:quiz-open", { question, points: Number(points), key: keyOf() });
    setError(reply.ok ? null : reply.error.code);
    if (reply.ok) setQuestion("");
  };
  const close = async (quizId: string) => {
    const reply = await store.ask("lesson:quiz-close", { quizId });
    setError(reply.ok ? null : reply.error.code);
  };
  return (
    <section className="panel" aria-labelledby="quiz-heading" data-testid="quiz-builder">
      <h2 id="quiz-heading">{t("lesson.quizzes")}</h2>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <h3>{t("lesson.builder")}</h3>
        <label>
          {t("lesson.question")}
          <input value={question} onChange={(e) => setQuestion(e.target.value)} required maxLength={1000} data-testid="quiz-question" />
        </label>
        <label>
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="quiz-kind">
            {(["single", "multiple", "numeric"] as const).map((k) => (
              <option key={k} value={k}>{t(`lesson.kind.${k}`)}</option>
            ))}
          </select>
        </label>
        {kind === "numeric" ? (
          <div className="form-inline">
            <label>{t("lesson.value")}<input type="number" step="any" value={value} onChange={(e) => setValue(e.target.value)} required data-testid="quiz-value" /></label>
            <label>{t("lesson.tolerance")}<input type="number" step="any" min={0} value={tolerance} onChange={(e) => setTolerance(e.target.value)} data-testid="quiz-tolerance" /></label>
            <label>{t("lesson.unit")}<input value={unit} onChange={(e) => setUnit(e.target.value)} maxLength={16} data-testid="quiz-unit" /></label>
          </div>
        ) : (
          <>
            <label>{t("lesson.options")}<textarea value={options} onChange={(e) => setOptions(e.target.value)} rows={3} data-testid="quiz-options" /></label>
            <label>{t("lesson.correct")}<input value={correct} onChange={(e) => setCorrect(e.target.value)} required data-testid="quiz-correct" /></label>
          </>
        )}
        <label>{t("lesson.points")}<input type="number" min={0} max={100} value={points} onChange={(e) => setPoints(e.target.value)} /></label>
        <button type="submit" data-testid="quiz-open">{t("lesson.open")}</button>
      </form>
      {error && <p className="error">{t("lesson.refused", { code: error })}</p>}
      {state.quizzes.length === 0 && <p className="muted">{t("lesson.noQuiz")}</p>}
      {[...state.quizzes].reverse().map((q) => {
        const answers = state.answers.filter((a) => a.quizId === q.id);
        return (
          <article key={q.id} className="quiz" data-testid="quiz" data-quiz={q.id} data-status={q.status}>
            <h3>
              {q.question} <span className={`badge badge-${q.status === "open" ? "running" : "finished"}`}>{t(`lesson.status.${q.status}`)}</span>
            </h3>
            {q.key && <p className="muted">{t("lesson.key", { key: keyText(q, q.key) })}</p>}
            <p>{t("lesson.answers", { n: answers.length })}</p>
            <ul className="quiz-answers">
              {answers.map((a) => (
                <li key={a.user.userId} data-testid="quiz-answer" data-username={a.user.username} data-correct={a.correct}>
                  {a.user.displayName}: {responseText(q, a.response)} — {a.correct ? `✔ ${t("lesson.right")}` : `✘ ${t("lesson.wrong")}`} ({a.score})
                </li>
              ))}
            </ul>
            {q.status === "open" && (
              <button type="button" onClick={() => void close(q.id)} data-testid="quiz-close">{t("lesson.close")}</button>
            )}
          </article>
        );
      })}
    </section>
  );
}
