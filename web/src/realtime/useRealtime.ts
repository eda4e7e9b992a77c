import { useEffect, useRef, useState } from "react";
import { connectUi } from "./connect";
import { LiveStore } from "./live-store";

/**
 * Owns the store and the /ui connection for as long as the calling component is mounted;
 * `onAuthLost` runs when the server ends the session (logout elsewhere, expiry).
 */
export function useRealtime(onAuthLost: () => void): LiveStore {
  const [store] = useState(() => new LiveStore());
  const lost = useRef(onAuthLost);
  useEffect(() => {
    lost.current = onAuthLost;
  }, [onAuthLost]);
  useEffect(() => connectUi(store, () => lost.current()), [store]);
  return store;
}
