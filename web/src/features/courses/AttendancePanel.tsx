import type { LessonState } from "@telecal/protocols";
import { useTranslation } from "react-i18next";
import { coursesApi } from "./api";

/** The trainer's view of who is here and how each trainee scores, and the attendance export. */
export function AttendancePanel({ state, courseId }: { state: LessonState; courseId: string }) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="attendance-heading" data-testid="attendance">
      <h2 id="attendance-heading">{t("lesson.present", { n: state.present.length })}</h2>
      <ul className="course-list">
        {state.present.map((p) => (
          <li key={p.userId} data-testid="present" data-username={p.username}>
            {p.displayName} {p.part === "trainer" && <span className="muted">({t("lesson.trainerTag")})</span>}
          </li>
        ))}
      </ul>
      <h3>{t("lesson.scores")}</h3>
      <table className="score-table">
        <tbody>
          {state.scores.map((s) => (
            <tr key={s.userId} data-testid="score" data-username={s.username} data-score={s.score}>
              <td>{s.displayName}</td>
              <td>{t("lesson.score", { score: s.score, max: s.maxScore })}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <a className="button" href={coursesApi.attendanceCsvUrl(courseId, state.lesson.id)} download data-testid="attendance-csv">
        {t("lesson.attendance")}
      </a>{" "}
      <a className="button" href={coursesApi.attendancePdfUrl(courseId, state.lesson.id)} download data-testid="attendance-pdf">
        {t("lesson.attendancePdf")}
      </a>
    </section>
  );
}
