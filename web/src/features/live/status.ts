import { ReadingFlag } from "@telecal/protocols";
import type { Latest } from "../../realtime/live-store";

export type StreamStatus = "stable" | "unstable" | "overload";

/** Overload wins over unstable: an instrument that gives no value cannot be settling. */
export function streamStatus(latest: Latest): StreamStatus {
  if (latest.value === null || (latest.flags & ReadingFlag.overload) !== 0) return "overload";
  if ((latest.flags & ReadingFlag.unstable) !== 0) return "unstable";
  return "stable";
}

export function isManual(latest: Latest): boolean {
  return (latest.flags & ReadingFlag.manual) !== 0;
}
