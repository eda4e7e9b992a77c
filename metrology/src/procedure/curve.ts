import { fitStraightLine, type LineFit } from "../fit/straight-line";
import { mean, type PointInputs } from "./point-inputs";
import { evaluateExpression, pointScope } from "./expressions";
import type { Procedure } from "./schema";

/** One point of a procedure's curve: x (e.g. the mean indication) and y (e.g. the correction). */
export interface CurvePoint {
  point: string;
  x: number;
  y: number;
}

/** The points' values at the inputs' estimates: observed means, Type B values, the point's x, range and vars. */
function scopeOf(p: PointInputs): Record<string, number> {
  const scope: Record<string, number> = { ...pointScope(p.point) };
  for (const b of p.typeB) scope[b.input] = b.value;
  for (const [name, values] of Object.entries(p.observed)) if (values.length > 0) scope[name] = mean(values);
  return scope;
}

/**
 * The procedure's `curve`: a least-squares straight line of y against x through the points (GUM
 * H.3), with ŷ and u(ŷ) at each point's x. Null when the procedure has no curve or fewer than 3
 * points have values (a line with uncertainties needs ν = n − 2 ≥ 1).
 */
export function procedureCurve(procedure: Procedure, points: readonly PointInputs[]): { points: CurvePoint[]; fit: LineFit } | null {
  const curve = procedure.curve;
  if (!curve) return null;
  const xy: CurvePoint[] = [];
  for (const p of points) {
    const scope = scopeOf(p);
    if (scope[curve.x] === undefined) continue;
    const where = `${procedure.id} point ${p.point.id}`;
    xy.push({ point: p.point.id, x: scope[curve.x]!, y: evaluateExpression(curve.y, scope, where) });
  }
  if (xy.length < 3) return null;
  const fit = fitStraightLine({ x: xy.map((q) => q.x), y: xy.map((q) => q.y), predict: xy.map((q) => q.x) }, `${procedure.id} curve`);
  return { points: xy, fit };
}
