import type { Course, TrainingProgress } from "@telecal/protocols";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { usePolled } from "../../api/usePolled";
import { coursesApi, failureOf } from "./api";

/**
 * 培训证明: the course's criteria (its trainers set them), each trainee's presence and score over the
 * course, and a certificate issued to one who meets both. Shown to whom the server lets read the
 * progress (the course's trainers, the admins of its organisation); to anyone else, nothing.
 */
export function TrainingPanel({ course, onChanged }: { course: Course; onChanged: () => void }) {
  const { t } = useTranslation();
  const progress = usePolled(() => coursesApi.training(course.id), 15_000);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (progress.error instanceof ApiError && progress.error.code === "TC_ERR_TRAINING_FORBIDDEN") return null;
  const act = async (fn: () => Promise<string | null>) => {
    try {
      setDone(await fn());
      setError(null);
      progress.refresh();
      onChanged();
    } catch (err) {
      setError(failureOf(err));
    }
  };
  return (
    <section className="panel" aria-labelledby="training-heading" data-testid="training">
      <h2 id="training-heading">{t("training.heading")}</h2>
      {course.as === "trainer" ? (
        <CriteriaForm course={course} onSave={(c) => void act(async () => (await coursesApi.setCriteria(course.id, c), t("training.saved")))} />
      ) : (
        <p className="muted">{course.criteria ? t("training.criteria", course.criteria) : t("training.noCriteria")}</p>
      )}
      {progress.data && <ProgressTable progress={progress.data} onIssue={(username) => void act(async () => t("training.issued", { number: (await coursesApi.issueCertificate(course.id, username)).certificate.number }))} />}
      {done && <p className="ok" data-testid="training-done">{done}</p>}
      {error && <p className="error" data-testid="training-error">{t("courses.failed", error)}</p>}
    </section>
  );
}

function CriteriaForm({ course, onSave }: { course: Course; onSave: (c: { presencePercent: number; scorePercent: number }) => void }) {
  const { t } = useTranslation();
  const [presence, setPresence] = useState(String(course.criteria?.presencePercent ?? 80));
  const [score, setScore] = useState(String(course.criteria?.scorePercent ?? 60));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave({ presencePercent: Number(presence), scorePercent: Number(score) });
  };
  return (
    <form className="form" onSubmit={submit} data-testid="training-criteria">
      {!course.criteria && <p className="muted">{t("training.noCriteria")}</p>}
      <label>
        {t("training.presence")}
        <input type="number" min={0} max={100} step={1} value={presence} onChange={(e) => setPresence(e.target.value)} required />
      </label>
      <label>
        {t("training.score")}
        <input type="number" min={0} max={100} step={1} value={score} onChange={(e) => setScore(e.target.value)} required />
      </label>
      <button type="submit">{t("training.save")}</button>
    </form>
  );
}

function ProgressTable({ progress, onIssue }: { progress: TrainingProgress; onIssue: (username: string) => void }) {
  const { t } = useTranslation();
  if (progress.rows.length === 0) return <p className="muted">{t("training.noTrainees")}</p>;
  return (
    <table className="score-table">
      <thead>
        <tr>
          <th>{t("training.trainee")}</th>
          <th>{t("training.presenceShort")}</th>
          <th>{t("training.scoreShort")}</th>
          <th>{t("training.certificate")}</th>
        </tr>
      </thead>
      <tbody>
        {progress.rows.map((r) => {
          const s = r.standing;
          const both = r.meets?.presence === true && r.meets.score;
          return (
            <tr key={r.userId} data-testid="training-row" data-username={r.username}>
              <td>{r.displayName}</td>
              <td className={r.meets && !r.meets.presence ? "error" : undefined}>{s.presencePercent} %</td>
              <td className={r.meets && !r.meets.score ? "error" : undefined}>
                {s.score} / {s.maxScore}
                {s.scorePercent !== null && ` (${s.scorePercent} %)`}
              </td>
              <td>
                {r.certificate ? (
                  <>
                    <a href={`/verify/${encodeURIComponent(r.certificate.id)}`} target="_blank" rel="noreferrer" data-testid="training-verify">
                      {r.certificate.number}
                    </a>{" "}
                    <a href={`/api/certificates/${encodeURIComponent(r.certificate.id)}/files/pdf`} download={`${r.certificate.number}.pdf`}>
                      PDF
                    </a>{" "}
                    <a href={`/api/certificates/${encodeURIComponent(r.certificate.id)}/files/pdf-en`} download={`${r.certificate.number}.en.pdf`}>
                      PDF (EN)
                    </a>
                  </>
                ) : (
                  <button type="button" disabled={!both} onClick={() => onIssue(r.username)} data-testid="training-issue">
                    {t("training.issue")}
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
