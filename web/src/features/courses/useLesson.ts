import { useEffect, useState, useSyncExternalStore } from "react";
import { useLiveStore } from "../../realtime/context";
import { LessonStore, type LessonSnapshot } from "./lesson-store";

const JOINING: LessonSnapshot = { kind: "joining", state: null };

/** Joins the lesson on the /ui socket for as long as the caller is mounted, and rejoins on reconnect. */
export function useLesson(lessonId: string): { store: LessonStore | null; snapshot: LessonSnapshot } {
  const live = useLiveStore();
  const socket = useSyncExternalStore(live.subscribe, live.getSocket);
  const [store, setStore] = useState<LessonStore | null>(null);
  useEffect(() => {
    if (!socket) return;
    const s = new LessonStore(socket, lessonId);
    setStore(s);
    return () => {
      s.close();
      setStore(null);
    };
  }, [socket, lessonId]);
  const snapshot = useSyncExternalStore(store?.subscribe ?? noSubscribe, store?.getSnapshot ?? (() => JOINING));
  return { store, snapshot };
}

const noSubscribe = () => () => undefined;
