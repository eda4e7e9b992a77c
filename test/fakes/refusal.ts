import { isTelecalError } from "@telecal/protocols";

/** What a call refuses with, as "CODE message", or "no error" when it does not throw: for one assertion. */
export function refusalOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isTelecalError(err)) return `${err.code} ${err.message}`;
    throw err;
  }
  return "no error";
}
