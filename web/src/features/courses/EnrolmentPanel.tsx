import type { Course } from "@telecal/protocols";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { usePolled } from "../../api/usePolled";
import { coursesApi, failureOf } from "./api";

/** A trainer enrols trainees (usernames typed, or a CSV pasted or chosen) and hands out the invite code. */
export function EnrolmentPanel({ course, onChanged }: { course: Course; onChanged: () => void }) {
  const { t } = useTranslation();
  const enrolments = usePolled(() => coursesApi.enrolments(course.id), 15_000);
  const [text, setText] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const act = async (fn: () => Promise<string | null>) => {
    try {
      setDone(await fn());
      setError(null);
      enrolments.refresh();
      onChanged();
    } catch (err) {
      setError(failureOf(err));
    }
  };
  const enrol = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const r = await coursesApi.enrol(course.id, { csv: text });
      setText("");
      return t("course.enrolled", { enrolled: r.enrolled.join(", ") || "—", already: r.already.join(", ") || "—" });
    });
  };
  const readFile = (file: File | undefined) => void file?.text().then(setText);
  return (
    <section className="panel" aria-labelledby="enrol-heading" data-testid="enrolment">
      <h2 id="enrol-heading">{t("course.enrolment")}</h2>
      <ul className="course-list">
        {enrolments.data?.map((e) => (
          <li key={e.userId}>
            {e.displayName} <span className="muted">({e.username}, {t(`course.via.${e.via}`)})</span>{" "}
            <button
              type="button"
              onClick={() => window.confirm(t("course.unenrolConfirm", { name: e.displayName })) && void act(async () => (await coursesApi.unenrol(course.id, e.userId), t("course.unenrolled", { name: e.displayName })))}
              data-testid={`unenrol-${e.username}`}
            >
              {t("course.unenrol")}
            </button>
          </li>
        ))}
      </ul>
      <form className="form" onSubmit={enrol}>
        <label>
          {t("course.enrolHint")}
          <textarea value={text} onChange={(e) => setText(e.target.value)} rows={4} data-testid="enrol-text" />
        </label>
        <label>
          {t("course.csvFile")}
          <input type="file" accept=".csv,text/csv,text/plain" onChange={(e) => readFile(e.target.files?.[0])} />
        </label>
        <button type="submit" disabled={text.trim() === ""} data-testid="enrol-submit">{t("course.enrol")}</button>
      </form>
      <p>
        {t("course.invite")}: <code data-testid="invite-code">{course.inviteCode ?? t("course.noInvite")}</code>{" "}
        <button type="button" onClick={() => void act(async () => (await coursesApi.inviteCode(course.id)).code)}>{t("course.newInvite")}</button>
      </p>
      {done && <p className="muted">{done}</p>}
      {error && <p className="error">{t("courses.failed", error)}</p>}
    </section>
  );
}
