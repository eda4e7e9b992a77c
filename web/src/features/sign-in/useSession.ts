import type { UserInfo } from "@telecal/protocols";
import { useCallback, useEffect, useState } from "react";
import { fetchMe, signIn, signOut } from "./api";

/**
 * Set by a tab at every sign-in and sign-out. The session cookie is one per browser, so a sign-in in
 * another tab changes who this tab acts as; the `storage` event tells this tab to ask again.
 */
const SIGNAL_KEY = "telecal.session-changed";

function signalOtherTabs(): void {
  try {
    window.localStorage.setItem(SIGNAL_KEY, `${Date.now()}-${Math.random()}`);
  } catch {
    // No storage (private mode, blocked): other tabs find out at their next refused request.
  }
}

export type Session = { state: "loading" } | { state: "signed-out" } | { state: "signed-in"; user: UserInfo };

/** Who is signed in, asked of the server (the cookie is HttpOnly), with the ways to change it. */
export function useSession() {
  const [session, setSession] = useState<Session>({ state: "loading" });

  const refresh = useCallback(async () => {
    try {
      const me = await fetchMe();
      setSession(me ? { state: "signed-in", user: me.user } : { state: "signed-out" });
    } catch (err) {
      console.warn("telecal: cannot reach the server", err);
      setSession({ state: "signed-out" });
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Another tab signed in as someone else, or out: this tab follows, rather than acting for a
  // person its page does not show.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === SIGNAL_KEY) window.location.reload();
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, []);

  const login = useCallback(
    async (username: string, password: string) => {
      await signIn(username, password);
      signalOtherTabs();
      await refresh();
    },
    [refresh],
  );

  const logout = useCallback(async () => {
    await signOut();
    signalOtherTabs();
    setSession({ state: "signed-out" });
  }, []);

  /** The server ended the session (logout elsewhere, expiry): back to the sign-in page. */
  const lost = useCallback(() => setSession({ state: "signed-out" }), []);

  return { session, login, logout, lost };
}
