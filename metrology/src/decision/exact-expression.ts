import { create, type EvalFunction, type FactoryFunctionMap, type MathJsInstance } from "mathjs";
import { FACTORIES } from "../math";
import { type DecimalLike, exact, type ExactValue } from "./exact";

/** The expression engine's functions over decimals (mathjs BigNumber, decimal.js inside), made on first use. */
let decimalMath: MathJsInstance | null = null;
const compiled = new Map<string, EvalFunction | null>();

function engine(): MathJsInstance {
  decimalMath ??= create(FACTORIES as FactoryFunctionMap, { number: "BigNumber", precision: 40 });
  return decimalMath;
}

function isDecimal(v: unknown): v is { isBigNumber: true; toString(): string; isFinite(): boolean } {
  return typeof v === "object" && v !== null && (v as { isBigNumber?: unknown }).isBigNumber === true;
}

/**
 * An expression (a measurement model, an MPE) evaluated in decimal arithmetic, its literals and the
 * scope's values taken as written: `indication - reference` at 10.0005 and 10 is exactly 0.0005.
 * Null when the expression has no decimal value there (it does not parse, a name is missing, the
 * result is not a finite number): the caller then falls back to the double's text, and the
 * expression's own error, if any, is the binary evaluation's to report.
 */
export function exactExpression(expression: string, scope: Record<string, DecimalLike>): ExactValue | null {
  const math = engine();
  let fn = compiled.get(expression);
  if (fn === undefined) {
    try {
      fn = math.compile(expression);
    } catch {
      fn = null;
    }
    compiled.set(expression, fn);
  }
  if (fn === null) return null;
  // The instance's own BigNumber class: mathjs recognises its values by their prototype.
  const { BigNumber } = math as unknown as { BigNumber: new (text: string) => unknown };
  const values: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(scope)) values[name] = new BigNumber(exact(v).toString());
  try {
    const result: unknown = fn.evaluate(values);
    if (isDecimal(result)) return result.isFinite() ? exact(result.toString()) : null;
    if (typeof result === "number" && Number.isFinite(result)) return exact(result);
    return null;
  } catch {
    return null;
  }
}
