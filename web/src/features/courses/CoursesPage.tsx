import "./courses.css";
import type { Course, UserInfo } from "@telecal/protocols";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { usePolled } from "../../api/usePolled";
import { hrefOf } from "../../shell/route";
import { coursesApi, failureOf as failure } from "./api";

/** The caller's courses: a trainer's organisation's, a trainee's own; a trainer creates one, a trainee joins by code. */
export function CoursesPage({ user }: { user: UserInfo }) {
  const { t } = useTranslation();
  const courses = usePolled(coursesApi.list, 15_000);
  return (
    <div className="courses-page" data-testid="courses-page">
      <h1 className="page-title">{t("courses.heading")}</h1>
      <div className="dashboard-grid">
        <section className="panel" aria-labelledby="courses-heading">
          <h2 id="courses-heading">{t("courses.heading")}</h2>
          {courses.error && <p className="error">{t("common.loadFailed", { code: courses.error.message })}</p>}
          {courses.data?.length === 0 && <p className="muted">{t("courses.none")}</p>}
          <ul className="course-list">
            {courses.data?.map((c) => <CourseItem key={c.id} course={c} />)}
          </ul>
        </section>
        {user.role === "trainer" && <NewCourseForm onCreated={courses.refresh} />}
        {user.role === "trainee" && <JoinByCode onJoined={courses.refresh} />}
      </div>
    </div>
  );
}

function CourseItem({ course }: { course: Course }) {
  const { t } = useTranslation();
  return (
    <li data-testid={`course-${course.id}`}>
      <a href={hrefOf({ page: "course", id: course.id })}>{course.title}</a>
      <span className="muted">
        {" "}
        {t("courses.trainer", { names: course.trainers.map((p) => p.displayName).join("、") })} · {t("courses.lessons", { n: course.lessons.length })} · {t("courses.trainees", { n: course.traineeCount })}
      </span>
    </li>
  );
}

function NewCourseForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const course = await coursesApi.create({ title, description });
      setError(null);
      onCreated();
      window.location.hash = hrefOf({ page: "course", id: course.id });
    } catch (err) {
      setError(failure(err));
    }
  };
  return (
    <form className="panel form" onSubmit={(e) => void submit(e)} data-testid="new-course">
      <h2>{t("courses.create")}</h2>
      <label>
        {t("courses.title")}
        <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} data-testid="new-course-title" />
      </label>
      <label>
        {t("courses.description")}
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} maxLength={4000} />
      </label>
      <button type="submit" data-testid="new-course-submit">{t("courses.submit")}</button>
      {error && <p className="error">{t("courses.failed", error)}</p>}
    </form>
  );
}

function JoinByCode({ onJoined }: { onJoined: () => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState("");
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const course = await coursesApi.join(code);
      setError(null);
      onJoined();
      window.location.hash = hrefOf({ page: "course", id: course.id });
    } catch (err) {
      setError(failure(err));
    }
  };
  return (
    <form className="panel form" onSubmit={(e) => void submit(e)} data-testid="join-course">
      <h2>{t("courses.joinHeading")}</h2>
      <label>
        {t("courses.code")}
        <input value={code} onChange={(e) => setCode(e.target.value)} required minLength={4} maxLength={32} autoCapitalize="characters" data-testid="join-course-code" />
      </label>
      <button type="submit">{t("courses.join")}</button>
      {error && <p className="error">{t("courses.failed", error)}</p>}
    </form>
  );
}
