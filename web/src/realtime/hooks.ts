import type { AgentSummary } from "@telecal/protocols";
import { useCallback, useSyncExternalStore } from "react";
import { useLiveStore } from "./context";
import type { ConnectionState, Latest } from "./live-store";

export function useConnectionState(): ConnectionState {
  const store = useLiveStore();
  return useSyncExternalStore(store.subscribe, store.getConnection);
}

export function useAgents(): readonly AgentSummary[] {
  const store = useLiveStore();
  return useSyncExternalStore(store.subscribe, store.getAgents);
}

/** Re-renders the caller only when this one stream gets a new value. */
export function useLatest(key: string): Latest | undefined {
  const store = useLiveStore();
  const subscribe = useCallback((listener: () => void) => store.subscribeStream(key, listener), [store, key]);
  const get = useCallback(() => store.getLatest(key), [store, key]);
  return useSyncExternalStore(subscribe, get);
}
