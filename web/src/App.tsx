import type { UserInfo } from "@telecal/protocols";
import { lazy, Suspense } from "react";
import { DashboardPage } from "./features/dashboard/DashboardPage";
import { LivePage } from "./features/live/LivePage";
import { SignInPage } from "./features/sign-in/SignInPage";
import { SignOutButton } from "./features/sign-in/SignOutButton";
import { useSession } from "./features/sign-in/useSession";
import { LiveStoreContext } from "./realtime/context";
import { useRealtime } from "./realtime/useRealtime";
import { Header } from "./shell/Header";
import { Nav } from "./shell/Nav";
import { useRoute } from "./shell/route";

// The session page brings the metrology engine (mathjs, a large part of the code): fetched only
// when a job is opened, so that sign-in and the dashboard stay light on a slow county link.
const JobPage = lazy(() => import("./features/job/JobPage").then((m) => ({ default: m.JobPage })));
// janus.js, likewise: only on a lesson's video page.
const MediaRoomPage = lazy(() => import("./features/media-room/MediaRoomPage").then((m) => ({ default: m.MediaRoomPage })));

// Courses are fetched when first opened, for the same reason.
const CoursesPage = lazy(() => import("./features/courses/CoursesPage").then((m) => ({ default: m.CoursesPage })));
const CoursePage = lazy(() => import("./features/courses/CoursePage").then((m) => ({ default: m.CoursePage })));
const CertificatesPage = lazy(() => import("./features/certificates/CertificatesPage").then((m) => ({ default: m.CertificatesPage })));
const LessonPage = lazy(() => import("./features/courses/LessonPage").then((m) => ({ default: m.LessonPage })));

/** Mounted only while signed in: the /ui socket connects after sign-in and closes at sign-out. */
function SignedIn({ user, onSignOut, onLost }: { user: UserInfo; onSignOut: () => void; onLost: () => void }) {
  const store = useRealtime(onLost);
  const route = useRoute();
  return (
    <LiveStoreContext value={store}>
      <Header live nav={<Nav route={route} role={user.role} />}>
        <SignOutButton user={user} onSignOut={onSignOut} />
      </Header>
      <main className="app-main">
        {route.page === "dashboard" && <DashboardPage user={user} />}
        {route.page === "live" && <LivePage />}
        <Suspense fallback={<p className="muted">…</p>}>
          {route.page === "courses" && <CoursesPage user={user} />}
          {route.page === "course" && <CoursePage id={route.id} />}
          {route.page === "lesson" && <LessonPage courseId={route.courseId} lessonId={route.lessonId} user={user} />}
          {route.page === "certificates" && <CertificatesPage user={user} />}
        </Suspense>
        {route.page === "job" && (
          <Suspense fallback={<p className="muted">…</p>}>
            <JobPage id={route.id} user={user} />
          </Suspense>
        )}
        {route.page === "media" && (
          <Suspense fallback={<p className="muted">…</p>}>
            <MediaRoomPage room={route.room} />
          </Suspense>
        )}
      </main>
    </LiveStoreContext>
  );
}

export function App() {
  const { session, login, logout, lost } = useSession();
  if (session.state === "signed-in") {
    return <SignedIn user={session.user} onSignOut={() => void logout()} onLost={lost} />;
  }
  return (
    <>
      <Header />
      <main className="app-main">{session.state === "signed-out" && <SignInPage onSignIn={login} />}</main>
    </>
  );
}
