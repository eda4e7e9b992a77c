import type { Reply } from "@telecal/protocols";
import { connectViewer, type Viewer } from "./ui-viewer";

/** Every lesson:* event one socket was sent, in order. */
export interface LessonEventLog {
  event: string;
  body: unknown;
}

/** A /ui client in lessons: asks with acks, keeps every lesson event, waits on them by condition. */
export interface LessonClient {
  viewer: Viewer;
  events: LessonEventLog[];
  ask<T extends object>(event: string, body: object): Promise<Reply<T>>;
  /** The first event named `event` from the `from`-th one on (come or still to come) whose body passes `test`. */
  waitFor<T>(event: string, test: (body: T) => boolean, what: string, from?: number): Promise<T>;
  close(): void;
}

export async function connectLessonClient(baseUrl: string, token: string): Promise<LessonClient> {
  const viewer = await connectViewer(baseUrl, token);
  const events: LessonEventLog[] = [];
  const waiters = new Set<() => void>();
  viewer.socket.onAny((event: string, body: unknown) => {
    if (!event.startsWith("lesson:")) return;
    events.push({ event, body });
    for (const w of [...waiters]) w();
  });
  return {
    viewer,
    events,
    ask: (event, body) => viewer.ask(event, body),
    waitFor<T>(event: string, test: (body: T) => boolean, what: string, from = 0): Promise<T> {
      const timeoutMs = 10_000;
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const hit = events.slice(from).find((e) => e.event === event && test(e.body as T));
          if (!hit) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit.body as T);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${event} within ${timeoutMs} ms: waited for ${what}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => void viewer.socket.disconnect(),
  };
}
