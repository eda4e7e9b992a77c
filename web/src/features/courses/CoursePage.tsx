import "./courses.css";
import type { Course, Lesson } from "@telecal/protocols";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { usePolled } from "../../api/usePolled";
import { hrefOf } from "../../shell/route";
import { coursesApi, failureOf } from "./api";
import { EnrolmentPanel } from "./EnrolmentPanel";
import { TrainingPanel } from "./TrainingPanel";

const when = (ms: number) => new Date(ms).toLocaleString([], { dateStyle: "medium", timeStyle: "short", hourCycle: "h23" });

/** One course: its lessons (each a way into its live room), and for its trainers lessons to add and trainees to enrol. */
export function CoursePage({ id }: { id: string }) {
  const { t } = useTranslation();
  const course = usePolled(() => coursesApi.get(id), 15_000);
  if (!course.data) {
    return course.error ? <p className="error" data-testid="course-error">{t("common.loadFailed", { code: course.error.message })}</p> : <p className="muted">{t("common.loading")}</p>;
  }
  const c = course.data;
  return (
    <div className="course-page" data-testid="course-page" data-course={c.id}>
      <h1 className="page-title">{c.title}</h1>
      <p className="muted">
        {t(`course.as.${c.as}`)} · {t("courses.trainer", { names: c.trainers.map((p) => p.displayName).join("、") })} · {t("courses.trainees", { n: c.traineeCount })}
      </p>
      {c.description && <p>{c.description}</p>}
      <div className="dashboard-grid">
        <section className="panel" aria-labelledby="lessons-heading">
          <h2 id="lessons-heading">{t("course.lessons")}</h2>
          {c.lessons.length === 0 && <p className="muted">{t("course.noLessons")}</p>}
          <ul className="course-list">
            {c.lessons.map((l) => <LessonItem key={l.id} course={c} lesson={l} />)}
          </ul>
        </section>
        {c.as === "trainer" && <NewLessonForm course={c} onAdded={course.refresh} />}
        {c.as === "trainer" && <EnrolmentPanel course={c} onChanged={course.refresh} />}
        {c.as !== "trainee" && <TrainingPanel course={c} onChanged={course.refresh} />}
      </div>
    </div>
  );
}

function LessonItem({ course, lesson }: { course: Course; lesson: Lesson }) {
  const { t } = useTranslation();
  return (
    <li data-testid={`lesson-${lesson.id}`}>
      <strong>{lesson.title}</strong>
      <span className="muted">
        {" "}
        {when(lesson.startsAt)} – {when(lesson.endsAt)}
      </span>
      {lesson.bench && <div className="muted">{t("course.bench", { agent: lesson.bench.agentId, procedure: lesson.bench.procedureId })}</div>}
      {course.as !== "reader" && (
        <div>
          <a className="button" href={hrefOf({ page: "lesson", courseId: course.id, lessonId: lesson.id })} data-testid="lesson-enter">
            {t("course.enter")}
          </a>
        </div>
      )}
    </li>
  );
}

function NewLessonForm({ course, onAdded }: { course: Course; onAdded: () => void }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState("");
  const [minutes, setMinutes] = useState("90");
  const [agentId, setAgentId] = useState("");
  const [procedureId, setProcedureId] = useState("");
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const startsAt = Date.now();
    try {
      await coursesApi.addLesson(course.id, {
        title,
        startsAt,
        endsAt: startsAt + Math.max(1, Number(minutes)) * 60_000,
        bench: agentId && procedureId ? { agentId, procedureId } : null,
      });
      setError(null);
      setTitle("");
      onAdded();
    } catch (err) {
      setError(failureOf(err));
    }
  };
  return (
    <form className="panel form" onSubmit={(e) => void submit(e)} data-testid="new-lesson">
      <h2>{t("course.addLesson")}</h2>
      <label>
        {t("course.lessonTitle")}
        <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
      </label>
      <label>
        {t("course.minutes")}
        <input type="number" min={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
      </label>
      <label>
        {t("course.benchAgent")}
        <input value={agentId} onChange={(e) => setAgentId(e.target.value)} placeholder="demo-lab" />
      </label>
      <label>
        {t("course.benchProcedure")}
        <input value={procedureId} onChange={(e) => setProcedureId(e.target.value)} placeholder="dmm-dcv-jjf1587" />
      </label>
      <button type="submit">{t("course.add")}</button>
      {error && <p className="error">{t("courses.failed", error)}</p>}
    </form>
  );
}
