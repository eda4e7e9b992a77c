import type { EvalFunction, MathNode } from "mathjs";
import { TelecalError } from "@telecal/protocols";
import { math } from "../math";

/**
 * A measurement model Y = f(X1, ..., XN) written as a mathjs expression of the input names, with
 * its sensitivity coefficients c_i = ∂f/∂x_i at the inputs' estimates: the symbolic derivative
 * (mathjs `derivative`) where mathjs can take it and it is finite there, else a central difference.
 */
export interface MeasurementModel {
  expression: string;
  /** The input names the expression uses, in order of first use. */
  inputs: string[];
  /** f at `scope`; an error naming the model when it is not a finite number. */
  evaluate(scope: Record<string, number>): number;
  /** ∂f/∂name at `scope`; `step` is the central difference's step should the symbolic one fail. */
  sensitivity(name: string, scope: Record<string, number>, step: number): { value: number; method: "symbolic" | "numeric" };
}

function invalid(where: string, path: string, reason: string): TelecalError {
  return new TelecalError("TC_ERR_BUDGET_INVALID", { file: where, path, reason });
}

/** Names mathjs knows as numbers (pi, e, tau, ...): a model may use them without an input of that name. */
function isMathConstant(name: string): boolean {
  return typeof (math as unknown as Record<string, unknown>)[name] === "number";
}

function asFinite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * Parses `expression` and checks its names against `known` (the budget's inputs): a name that is
 * neither an input nor a mathjs constant is refused with TC_ERR_BUDGET_INVALID at `path`.
 */
export function compileModel(expression: string, known: readonly string[], where = "budget", path = "model"): MeasurementModel {
  let node: MathNode;
  try {
    node = math.parse(expression);
  } catch (err) {
    throw invalid(where, path, `cannot parse ${JSON.stringify(expression)}: ${(err as Error).message}`);
  }
  const names: string[] = [];
  node.traverse((n, p, parent) => {
    if (!(n instanceof math.SymbolNode)) return;
    if (parent instanceof math.FunctionNode && p === "fn") return;
    if (!names.includes(n.name)) names.push(n.name);
  });
  const inputs = names.filter((name) => known.includes(name));
  const unknown = names.filter((name) => !known.includes(name) && !isMathConstant(name));
  if (unknown.length > 0) {
    throw invalid(where, path, `${JSON.stringify(expression)} names ${unknown.map((u) => `'${u}'`).join(", ")}, not among the inputs (${known.join(", ") || "none"})`);
  }
  const f = node.compile();
  const derivatives = new Map<string, EvalFunction | null>();
  const evaluate = (scope: Record<string, number>): number => {
    let value: unknown;
    try {
      value = f.evaluate({ ...scope });
    } catch (err) {
      throw invalid(where, path, `${JSON.stringify(expression)}: ${(err as Error).message}`);
    }
    const finite = asFinite(value);
    if (finite === null) throw invalid(where, path, `${JSON.stringify(expression)} gives ${String(value)} at the inputs' values, not a finite number`);
    return finite;
  };
  return {
    expression,
    inputs,
    evaluate,
    sensitivity(name, scope, step) {
      if (!derivatives.has(name)) {
        let d: EvalFunction | null;
        try {
          d = math.derivative(node, name).compile();
        } catch {
          d = null; // conditional expressions and the like: no symbolic derivative
        }
        derivatives.set(name, d);
      }
      const d = derivatives.get(name);
      if (d) {
        try {
          const value = asFinite(d.evaluate({ ...scope }));
          if (value !== null) return { value, method: "symbolic" };
        } catch {
          // fall through to the numeric difference
        }
      }
      const x = scope[name] ?? 0;
      const value = (evaluate({ ...scope, [name]: x + step }) - evaluate({ ...scope, [name]: x - step })) / (2 * step);
      return { value, method: "numeric" };
    },
  };
}

/**
 * The central difference's step for an input: ∛ε times its magnitude (the estimate, or its
 * uncertainty when larger), which balances truncation against rounding error.
 */
export function differenceStep(value: number, u: number): number {
  const scale = Math.max(Math.abs(value), u);
  return Math.cbrt(Number.EPSILON) * (scale > 0 ? scale : 1);
}
