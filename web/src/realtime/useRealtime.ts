import { useEffect, useState } from "react";
import { connectUi } from "./connect";
import { LiveStore } from "./live-store";

/** Owns the store and the /ui connection for as long as the calling component is mounted. */
export function useRealtime(): LiveStore {
  const [store] = useState(() => new LiveStore());
  useEffect(() => connectUi(store), [store]);
  return store;
}
