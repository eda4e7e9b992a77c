import { ReadingFlag } from "@telecal/protocols";
import type { Latest } from "../../realtime/live-store";

export type StreamStatus = "stable" | "unstable" | "overload" | "novalue";

/**
 * Overload wins over unstable: an instrument that gives no value cannot be settling. No value
 * without the overload flag is an instrument set to another function (a calibrator sourcing Ω gives
 * no volts): not an alarm.
 */
export function streamStatus(latest: Latest): StreamStatus {
  if ((latest.flags & ReadingFlag.overload) !== 0) return "overload";
  if (latest.value === null) return "novalue";
  if ((latest.flags & ReadingFlag.unstable) !== 0) return "unstable";
  return "stable";
}

export function isManual(latest: Latest): boolean {
  return (latest.flags & ReadingFlag.manual) !== 0;
}
