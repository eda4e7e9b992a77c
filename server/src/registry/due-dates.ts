import type { InstrumentRole, Usability } from "@telecal/protocols";

/** Days before its due date from which a reference standard is "due soon" (docs/registry.md). */
export const DEFAULT_DUE_SOON_DAYS = 30;

const DAY_MS = 86_400_000;

/** The UTC calendar day of a time, YYYY-MM-DD: due dates are compared as UTC days. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD): 0 on the same day, negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export interface CertificateDates {
  number: string;
  issuedOn: string;
  dueOn: string;
}

/**
 * Whether an instrument may serve as a reference standard on day `on`. The certificate in force is,
 * of those issued on or before `on`, the one that runs longest. It is valid through its due date
 * (inclusive): due soon while at most `dueSoonDays` days are left (0 on the due date itself), past
 * due from the next day on.
 */
export function usabilityOf(
  instrument: { id: string; role: InstrumentRole },
  certificates: readonly CertificateDates[],
  on: string,
  dueSoonDays = DEFAULT_DUE_SOON_DAYS,
): Usability {
  const none = { instrumentId: instrument.id, certificateNumber: null, dueOn: null, daysLeft: null };
  if (instrument.role !== "reference") return { ...none, status: "not-a-reference" };
  let current: CertificateDates | undefined;
  for (const c of certificates) {
    if (c.issuedOn <= on && (current === undefined || c.dueOn > current.dueOn)) current = c;
  }
  if (current === undefined) return { ...none, status: "no-certificate" };
  const daysLeft = daysBetween(on, current.dueOn);
  const status = daysLeft < 0 ? "past-due" : daysLeft <= dueSoonDays ? "due-soon" : "ok";
  return { instrumentId: instrument.id, status, certificateNumber: current.number, dueOn: current.dueOn, daysLeft };
}
