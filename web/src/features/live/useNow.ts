import { useSyncExternalStore } from "react";

// One interval for the whole page, however many ages are on screen.
const listeners = new Set<() => void>();
let now = Date.now();
let timer: number | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    now = Date.now();
    timer = window.setInterval(() => {
      now = Date.now();
      for (const l of [...listeners]) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

function getNow(): number {
  return now;
}

/** The browser's clock, refreshed once a second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getNow);
}
