import { TelecalError } from "@telecal/protocols";
import type { EvalFunction } from "mathjs";
import { math } from "../math";
import type { SetValue, TestPoint } from "@telecal/protocols";

const compiled = new Map<string, EvalFunction>();

/** The names an expression of a point may use: x (the nominal), range, and the point's vars. */
export function pointScope(point: TestPoint | null): Record<string, number> {
  if (point === null) return {};
  return { ...point.vars, x: point.nominal, ...(point.range !== undefined ? { range: point.range } : {}) };
}

/**
 * Evaluates a procedure's expression (mathjs syntax: + - * / ^, abs(), sqrt(), a ? b : c, ...) in
 * `scope`. A name the scope lacks, a result that is not a finite number: an error naming the
 * expression, never NaN passed on into a result.
 */
export function evaluateExpression(expression: string, scope: Record<string, number>, where: string): number {
  let fn = compiled.get(expression);
  try {
    if (!fn) {
      fn = math.compile(expression);
      compiled.set(expression, fn);
    }
    const value: unknown = fn.evaluate({ ...scope });
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new Error(`gives ${String(value)}, not a finite number`);
    }
    return value;
  } catch (err) {
    throw new TelecalError("TC_ERR_PROCEDURE_INVALID", { file: where, path: JSON.stringify(expression), reason: (err as Error).message });
  }
}

/** The value a set step sends: numbers and words as written, expressions evaluated at the point. */
export function setValueAt(value: SetValue, point: TestPoint | null, where: string): number | string {
  if (typeof value === "object") return evaluateExpression(value.expr, pointScope(point), where);
  return value;
}
