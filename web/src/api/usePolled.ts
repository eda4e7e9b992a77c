import { useCallback, useEffect, useRef, useState } from "react";

export type Polled<T> = { data: T | undefined; error: Error | null; refresh: () => void };

/**
 * Reads a resource now and again every `everyMs` while the page shows it, and at once on
 * `refresh()` (after the user changed something). A failed read keeps the last data shown.
 */
export function usePolled<T>(load: () => Promise<T>, everyMs: number): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const next = await loadRef.current();
        if (live) {
          setData(next);
          setError(null);
        }
      } catch (err) {
        if (live) setError(err as Error);
      }
      if (live) timer = setTimeout(() => void run(), everyMs);
    };
    void run();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [everyMs, tick]);

  return { data, error, refresh };
}
