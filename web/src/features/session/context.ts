import { createContext, useContext, useSyncExternalStore } from "react";
import type { SessionSnapshot, SessionStore } from "./session-store";

/** The job's live session, for the parts of the page that take part in it (marks on video and charts). */
export const SessionContext = createContext<SessionStore | null>(null);

const NONE: SessionSnapshot = { kind: "joining", state: null };
const noSubscribe = () => () => undefined;

/** The session around the caller, or null outside a job's page (the live readings page). */
export function useSessionStore(): SessionStore | null {
  return useContext(SessionContext);
}

export function useSessionSnapshot(): SessionSnapshot {
  const store = useSessionStore();
  return useSyncExternalStore(store?.subscribe ?? noSubscribe, store?.getSnapshot ?? (() => NONE));
}
