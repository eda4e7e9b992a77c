import type { UserInfo } from "@telecal/protocols";
import { LivePage } from "./features/live/LivePage";
import { SignInPage } from "./features/sign-in/SignInPage";
import { SignOutButton } from "./features/sign-in/SignOutButton";
import { useSession } from "./features/sign-in/useSession";
import { LiveStoreContext } from "./realtime/context";
import { useRealtime } from "./realtime/useRealtime";
import { Header } from "./shell/Header";

/** Mounted only while signed in: the /ui socket connects after sign-in and closes at sign-out. */
function SignedIn({ user, onSignOut, onLost }: { user: UserInfo; onSignOut: () => void; onLost: () => void }) {
  const store = useRealtime(onLost);
  return (
    <LiveStoreContext value={store}>
      <Header live>
        <SignOutButton user={user} onSignOut={onSignOut} />
      </Header>
      <main className="app-main">
        <LivePage />
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
