import type { UserInfo } from "@telecal/protocols";
import { useCallback, useEffect, useState } from "react";
import { fetchMe, signIn, signOut } from "./api";

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

  const login = useCallback(
    async (username: string, password: string) => {
      await signIn(username, password);
      await refresh();
    },
    [refresh],
  );

  const logout = useCallback(async () => {
    await signOut();
    setSession({ state: "signed-out" });
  }, []);

  /** The server ended the session (logout elsewhere, expiry): back to the sign-in page. */
  const lost = useCallback(() => setSession({ state: "signed-out" }), []);

  return { session, login, logout, lost };
}
