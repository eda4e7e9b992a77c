import type { z } from "zod";
import { describeIssues, TelecalError } from "./errors";

/** JSON text parsed and then checked with its schema; `issues` names each bad key (or "not JSON"). */
export function safeParseJson<S extends z.ZodType>(schema: S, text: string): { success: true; data: z.output<S> } | { success: false; issues: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { success: false, issues: "not JSON" };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, issues: describeIssues(parsed.error) };
}

/**
 * JSON from outside the process (a file, a database row, the network) read as what `schema` says,
 * never cast: what does not parse throws `code` naming `what` (TC_ERR_VALIDATION for what a person
 * gave, TC_ERR_STORED_INVALID for what the store holds).
 */
export function parseJson<S extends z.ZodType>(schema: S, text: string, what: string, code: "TC_ERR_VALIDATION" | "TC_ERR_STORED_INVALID" = "TC_ERR_VALIDATION"): z.output<S> {
  const parsed = safeParseJson(schema, text);
  if (!parsed.success) throw new TelecalError(code, { what, issues: parsed.issues });
  return parsed.data;
}
