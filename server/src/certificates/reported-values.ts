import type { ResultRow } from "@telecal/protocols";

/** Significant digits of an expanded uncertainty as reported (JJF 1059.1: one or two). */
const U_DIGITS = 2;

function roundTo(value: number, decimals: number): number {
  // toFixed takes 0..100; a value whose U is below 1e-20 keeps 20 decimals.
  const d = Math.min(20, Math.max(0, decimals));
  return Number(value.toFixed(d));
}

/** The decimal place of U's last reported digit: the values are reported to the same place. */
function decimalsOf(U: number): number {
  if (U <= 0) return 8;
  return U_DIGITS - 1 - Math.floor(Math.log10(U));
}

/**
 * A row as the certificate states it: U to two significant digits, and reference, indication and
 * error to U's last digit. The PDF and the DCC print these same numbers.
 */
export function reportedRow(row: ResultRow): ResultRow {
  const U = row.U > 0 ? Number(row.U.toPrecision(U_DIGITS)) : 0;
  const decimals = decimalsOf(U);
  const out: ResultRow = {
    ...row,
    reference: roundTo(row.reference, decimals),
    indication: roundTo(row.indication, decimals),
    error: roundTo(row.error, decimals),
    U,
    k: Number(row.k.toPrecision(3)),
  };
  if (row.mpe !== undefined) out.mpe = Number(row.mpe.toPrecision(3));
  return out;
}

/** How a number is written in both files: the shortest text that reads back as the same double. */
export function formatNumber(value: number): string {
  return Object.is(value, -0) ? "0" : String(value);
}

/**
 * A reported row's numbers as the PDF's table prints them: the same numbers as the DCC, written
 * out to U's last digit (U = 0.0000040, error = -0.0000005), never in exponent notation, so a
 * reader sees how far each value is stated. Each reads back as the DCC's number.
 */
export function reportedText(row: ResultRow): { reference: string; indication: string; error: string; U: string } {
  const decimals = Math.min(20, Math.max(0, decimalsOf(row.U)));
  const fixed = (v: number) => {
    const text = v.toFixed(decimals);
    // A value stated finer than U's digit (given so) is written as it is, never rounded here.
    if (Number(text) !== v) return formatNumber(v);
    return Number(text) === 0 ? (0).toFixed(decimals) : text;
  };
  return { reference: fixed(row.reference), indication: fixed(row.indication), error: fixed(row.error), U: row.U > 0 ? fixed(row.U) : formatNumber(row.U) };
}
