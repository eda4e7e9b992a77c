import { createContext, useContext } from "react";
import type { LiveStore } from "./live-store";

export const LiveStoreContext = createContext<LiveStore | null>(null);

export function useLiveStore(): LiveStore {
  const store = useContext(LiveStoreContext);
  if (store === null) throw new Error("useLiveStore needs a LiveStoreContext provider");
  return store;
}
