import "./courses.css";
import { type LessonState, lessonMeshId, lessonVideoKey, MEDIA_MESH_MAX_PEOPLE, type UserInfo } from "@telecal/protocols";
import { VideoPanel } from "../media/VideoPanel";
import { MediaRoomVideo } from "../media-room/MediaRoomVideo";
import { useTranslation } from "react-i18next";
import { AttendancePanel } from "./AttendancePanel";
import { BenchPanel } from "./BenchPanel";
import { HandsPanel } from "./HandsPanel";
import type { LessonStore } from "./lesson-store";
import { LessonChat } from "./LessonChat";
import { QuizBuilder } from "./QuizBuilder";
import { QuizAnswers } from "./QuizAnswers";
import { StagePanel } from "./StagePanel";
import { useLesson } from "./useLesson";

/** What every lesson panel gets: the store to send with, and the state as the server last said it. */
export interface LessonPanelProps {
  store: LessonStore;
  state: LessonState;
  /** The signed-in user's id. */
  me: string;
}

/**
 * A live lesson: the trainer's console (hand queue, quiz builder with live answers, chat
 * moderation, attendance) or the trainee's view (hand, quiz answers, chat), in one column on a phone.
 */
export function LessonPage({ courseId, lessonId, user }: { courseId: string; lessonId: string; user: UserInfo }) {
  const me = user.id;
  const { t } = useTranslation();
  const { store, snapshot } = useLesson(lessonId);
  const state = snapshot.state;
  if (!store || !state) {
    return snapshot.kind === "refused" ? (
      <p className="error" data-testid="lesson-refused" data-code={snapshot.error.code}>{t("lesson.joinRefused", { code: snapshot.error.code })}</p>
    ) : (
      <p className="muted">{t("lesson.joining")}</p>
    );
  }
  const trainer = state.part === "trainer";
  return (
    <div className={`lesson-page lesson-${state.part}`} data-testid="lesson-page" data-part={state.part} data-lesson={lessonId}>
      <header>
        <h1 className="page-title">{state.lesson.title}</h1>
        <p className="muted">{state.courseTitle}</p>
        {snapshot.kind === "refused" && <p className="warning">{t("lesson.joinRefused", { code: snapshot.error.code })}</p>}
      </header>
      <div className="lesson-layout">
        <div className="lesson-main">
          {/* The lesson's video through Janus: the trainers send, the enrolled trainees watch (server: lesson-video.ts). */}
          <section className="panel lesson-video-slot" data-testid="lesson-video-slot" aria-label={t("lesson.video")}>
            <h2>{t("lesson.video")}</h2>
            {/* On stage and off again, a new ticket: it says whether this person sends. */}
            {/* Without Janus: the job page's mesh, everyone with everyone, for MEDIA_MESH_MAX_PEOPLE tabs. */}
            <MediaRoomVideo
              key={state.stage === me ? "stage" : "seat"}
              room={lessonVideoKey(lessonId)}
              meshFallback={<VideoPanel jobId={lessonMeshId(lessonId)} user={user} fullText={t("lesson.meshFull", { max: MEDIA_MESH_MAX_PEOPLE })} />}
            />
          </section>
          <BenchPanel store={store} state={state} me={me} />
          {trainer ? <QuizBuilder store={store} state={state} me={me} /> : <QuizAnswers store={store} state={state} me={me} />}
        </div>
        <div className="lesson-side">
          <StagePanel store={store} state={state} me={me} />
          <HandsPanel store={store} state={state} me={me} />
          <LessonChat store={store} state={state} me={me} />
          {trainer && <AttendancePanel state={state} courseId={courseId} />}
        </div>
      </div>
    </div>
  );
}
