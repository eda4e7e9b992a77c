import { TelecalError } from "@telecal/protocols";
import { z } from "zod";

/**
 * Least squares straight line y = y1 + y2·(x − x0) with the uncertainties of GUM (JCGM 100:2008)
 * Annex H.3 (calibration of a thermometer), the x taken as exact and the y of equal, unknown
 * variance estimated from the residuals:
 *   D = n Σθ² − (Σθ)²,  θ = x − x0
 *   y1 = (Σy Σθ² − Σθ Σθy) / D,  y2 = (n Σθy − Σθ Σy) / D
 *   s² = Σ (y − y1 − y2 θ)² / (n − 2),  ν = n − 2
 *   u²(y1) = s² Σθ² / D,  u²(y2) = n s² / D,  r(y1, y2) = −Σθ / √(n Σθ²)
 * and at a point x: ŷ = y1 + y2 θ, u²(ŷ) = u²(y1) + θ² u²(y2) + 2 θ u(y1) u(y2) r (the line's own
 * uncertainty there; a new single observation would add s² to it).
 */
export const LineFitInput = z
  .strictObject({
    x: z.array(z.number()).min(3, "a straight line with uncertainties needs at least 3 points"),
    y: z.array(z.number()).min(3, "a straight line with uncertainties needs at least 3 points"),
    /** The origin of x (GUM H.3: t0 = 20 °C); 0 when absent. */
    x0: z.number().optional(),
    /** The x at which to give ŷ and u(ŷ). */
    predict: z.array(z.number()).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.x.length !== f.y.length) ctx.addIssue({ code: "custom", path: ["y"], message: `has ${f.y.length} values, x has ${f.x.length}` });
    if (f.x.length > 0 && f.x.every((v) => v === f.x[0])) ctx.addIssue({ code: "custom", path: ["x"], message: "all x are equal: no slope can be fitted" });
  });
export type LineFitInput = z.input<typeof LineFitInput>;

export interface LinePrediction {
  x: number;
  y: number;
  u: number;
}

export interface LineFit {
  n: number;
  x0: number;
  intercept: { value: number; u: number };
  slope: { value: number; u: number };
  /** r(y1, y2), the correlation of intercept and slope. */
  correlation: number;
  /** s, the residual standard deviation. */
  residualStandardDeviation: number;
  dof: number;
  residuals: number[];
  predictions: LinePrediction[];
}

/** Fits the line; `input` is parsed by `LineFitInput` first (errors: TC_ERR_FIT_INVALID naming the field). */
export function fitStraightLine(input: LineFitInput, where = "fit"): LineFit {
  const parsed = LineFitInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TelecalError("TC_ERR_FIT_INVALID", { file: where, path: issue.path.join(".") || "(root)", reason: issue.message });
  }
  const { x, y, predict = [] } = parsed.data;
  const x0 = parsed.data.x0 ?? 0;
  const n = x.length;
  const theta = x.map((v) => v - x0);
  let st = 0;
  let stt = 0;
  let sy = 0;
  let sty = 0;
  for (let i = 0; i < n; i++) {
    st += theta[i]!;
    stt += theta[i]! ** 2;
    sy += y[i]!;
    sty += theta[i]! * y[i]!;
  }
  const d = n * stt - st * st;
  const y1 = (sy * stt - st * sty) / d;
  const y2 = (n * sty - st * sy) / d;
  const residuals = theta.map((t, i) => y[i]! - y1 - y2 * t);
  const s = Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / (n - 2));
  const u1 = Math.sqrt((s * s * stt) / d);
  const u2 = Math.sqrt((n * s * s) / d);
  const r = -st / Math.sqrt(n * stt);
  const predictions = predict.map((px) => {
    const t = px - x0;
    return { x: px, y: y1 + y2 * t, u: Math.sqrt(Math.max(0, u1 * u1 + t * t * u2 * u2 + 2 * t * u1 * u2 * r)) };
  });
  return { n, x0, intercept: { value: y1, u: u1 }, slope: { value: y2, u: u2 }, correlation: r, residualStandardDeviation: s, dof: n - 2, residuals, predictions };
}
