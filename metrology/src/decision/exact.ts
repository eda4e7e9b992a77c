import { Decimal } from "decimal.js";

/**
 * Decimal arithmetic of conformity decisions. A limit and an error are compared as the decimals they
 * were stated as, not as binary doubles: 10.0005 − 10 is 0.0005 here, where the doubles give
 * 0.0005000000000006 and cross a limit of 0.0005. 40 significant digits, ties to even: sums and
 * differences of stated values are exact; a mean or a quotient keeps 40 digits.
 */
export const Exact = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
export type ExactValue = Decimal;

/** A number as given, its decimal text, or a decimal. */
export type DecimalLike = number | string | Decimal;

/**
 * A value as stated: a number is taken as its shortest decimal text, the one that reads back as the
 * same double (what a reading, an entry or a constant was written as), never its binary expansion.
 */
export function exact(x: DecimalLike): Decimal {
  if (typeof x === "number") return new Exact(Object.is(x, -0) ? "0" : String(x));
  return new Exact(x);
}

/** The mean of values as stated, in decimal. */
export function exactMean(values: readonly DecimalLike[]): Decimal {
  if (values.length === 0) return new Exact(0);
  return values.reduce<Decimal>((sum, v) => sum.plus(exact(v)), new Exact(0)).div(values.length);
}

/** The largest minus the smallest of values as stated, in decimal. */
export function exactRange(values: readonly DecimalLike[]): Decimal {
  if (values.length === 0) return new Exact(0);
  const d = values.map(exact);
  return Exact.max(...d).minus(Exact.min(...d));
}
