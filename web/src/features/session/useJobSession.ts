import { useEffect, useState, useSyncExternalStore } from "react";
import { useLiveStore } from "../../realtime/context";
import { SessionStore } from "./session-store";

/** Joins the job's session on the /ui socket for as long as the caller is mounted, and rejoins on reconnect. */
export function useJobSession(jobId: string): SessionStore | null {
  const live = useLiveStore();
  const socket = useSyncExternalStore(live.subscribe, live.getSocket);
  const [store, setStore] = useState<SessionStore | null>(null);
  useEffect(() => {
    if (!socket) return;
    const s = new SessionStore(socket, jobId);
    setStore(s);
    return () => {
      s.close();
      setStore(null);
    };
  }, [socket, jobId]);
  return store;
}
