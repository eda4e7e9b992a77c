import type { ErrorCode } from "@telecal/protocols";
import type { ComplexityLimits } from "./complexity";
import type { VerifiedFile } from "./verify";

/** What passes between the certificate checker (verify-pool.ts) and its threads (verify-worker.ts). */

/** One check asked of a thread. */
export interface CheckRequest {
  id: number;
  bytes: Uint8Array;
  name: string;
  limits: ComplexityLimits;
}

/** Its answer: the checked file, or the refusal as code and parameters (errors do not cross threads whole). */
export type CheckAnswer =
  | { id: number; ok: true; file: VerifiedFile }
  | { id: number; ok: false; code: ErrorCode; params: Record<string, unknown> }
  | { id: number; ok: false; code: null; message: string };

/** Sent by a thread once its modules are loaded, so that a check's time limit never counts its start. */
export const READY = "ready";
