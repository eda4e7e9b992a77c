import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileModel, evaluateBudget, evaluateExpression, parseProcedure, pointScope } from "@telecal/metrology";
import { EXPRESSION_FUNCTIONS } from "@telecal/metrology/math";
import { describe, expect, it } from "vitest";
import { refusalOf } from "../fakes/refusal";

// The engine's mathjs is made from a list of functions (metrology/src/math.ts): these tests hold it
// to every expression the repository ships, so a function a procedure needs cannot fall off the list.
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PROCEDURES = `${ROOT}metrology/procedures/`;
const EXAMPLES = `${ROOT}docs/examples/`;
const procedureFiles = readdirSync(PROCEDURES).filter((f) => f.endsWith(".yaml"));

/** Names written as calls, `name(`, in a procedure file's expressions (the quoted values of its expression keys). */
function calledNames(text: string): string[] {
  const expressions = [...text.matchAll(/\b(?:mpe|width|value|expr|model|y): "([^"]*)"/g)].map((m) => m[1]!);
  return [...new Set(expressions.flatMap((e) => [...e.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)].map((m) => m[1]!)))];
}

describe("expression engine (mathjs made from a list)", () => {
  it("knows every function the shipped procedures call", () => {
    const called = procedureFiles.flatMap((f) => calledNames(readFileSync(PROCEDURES + f, "utf8").replace(/#.*$/gm, "")));
    expect(called.length).toBeGreaterThan(0);
    expect(called.filter((name) => !(EXPRESSION_FUNCTIONS as readonly string[]).includes(name))).toEqual([]);
  });

  it("evaluates every point's mpe in every shipped procedure to a finite number", () => {
    expect(procedureFiles.length).toBeGreaterThanOrEqual(4);
    for (const file of procedureFiles) {
      const procedure = parseProcedure(readFileSync(PROCEDURES + file, "utf8"), file);
      for (const point of procedure.points) {
        expect(Number.isFinite(evaluateExpression(point.mpe, pointScope(point), file)), `${file} ${point.id}`).toBe(true);
      }
    }
  });

  it("evaluates the example budgets' models (docs/examples)", () => {
    const budgets = readdirSync(EXAMPLES).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(readFileSync(EXAMPLES + f, "utf8")) as { model?: string });
    const models = budgets.filter((b) => typeof b.model === "string");
    expect(models.length).toBeGreaterThanOrEqual(3);
    for (const b of models) expect(Number.isFinite(evaluateBudget(b).lpu.u)).toBe(true);
  });

  it("evaluates each listed function with its value from Math", () => {
    const expected: Record<(typeof EXPRESSION_FUNCTIONS)[number], [string, number]> = {
      abs: ["abs(-2.5)", 2.5], sqrt: ["sqrt(2)", Math.SQRT2], cbrt: ["cbrt(27)", 3], square: ["square(3)", 9],
      exp: ["exp(1)", Math.E], log: ["log(10)", Math.LN10], log10: ["log10(1000)", 3], sin: ["sin(0.5)", Math.sin(0.5)],
      cos: ["cos(0.5)", Math.cos(0.5)], tan: ["tan(0.5)", Math.tan(0.5)], sec: ["sec(0.5)", 1 / Math.cos(0.5)],
      asin: ["asin(0.5)", Math.asin(0.5)], acos: ["acos(0.5)", Math.acos(0.5)], atan: ["atan(0.5)", Math.atan(0.5)],
      atan2: ["atan2(1, 2)", Math.atan2(1, 2)], hypot: ["hypot(3, 4)", 5], min: ["min(3, 1, 2)", 1], max: ["max(3, 1, 2)", 3],
      floor: ["floor(-1.5)", -2], ceil: ["ceil(1.2)", 2], round: ["round(2.5)", 3], sign: ["sign(-4)", -1], mod: ["mod(7, 3)", 1],
    };
    for (const [name, [expression, value]] of Object.entries(expected)) {
      expect(evaluateExpression(expression, {}, "t"), name).toBeCloseTo(value, 14);
    }
    // mathjs's % is floored like mod(): -4 % 3 is 2
    expect(evaluateExpression("x <= 2 ? -x ^ 2 % 3 + pi - e + tau : 0", { x: 2 }, "t")).toBeCloseTo(2 + 3 * Math.PI - Math.E, 14);
    expect(evaluateExpression("x > 1 and not (x == 3) or x != x ? 1 : 0", { x: 2 }, "t")).toBe(1);
  });

  it("refuses a function outside the list with the caller's code", () => {
    expect(refusalOf(() => evaluateExpression("sinh(x)", { x: 1 }, "p.yaml"))).toBe(
      `TC_ERR_PROCEDURE_INVALID procedure p.yaml: "sinh(x)": Undefined function sinh`,
    );
    expect(refusalOf(() => compileModel("a * gamma(b)", ["a", "b"]).evaluate({ a: 1, b: 2 }))).toBe(
      `TC_ERR_BUDGET_INVALID uncertainty budget budget: model: "a * gamma(b)": Undefined function gamma`,
    );
  });

  it("keeps symbolic sensitivities where the derivative uses a function beside the list (tan' = sec²)", () => {
    const s = compileModel("a * tan(b)", ["a", "b"]).sensitivity("b", { a: 2, b: 0.5 }, 1e-6);
    expect(s).toEqual({ value: expect.closeTo(2 / Math.cos(0.5) ** 2, 12), method: "symbolic" });
  });
});
