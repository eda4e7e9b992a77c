import { TelecalError } from "@telecal/protocols";
import { z } from "zod";

/** A correlation coefficient r(a, b) between two inputs of a budget (GUM 5.2). */
export const Correlation = z.strictObject({
  a: z.string().min(1),
  b: z.string().min(1),
  r: z.number().min(-1).max(1),
});
export type Correlation = z.infer<typeof Correlation>;

/** The correlation matrix of `names` (1 on the diagonal), checked: known names, a ≠ b, each pair once. */
export function correlationMatrix(names: readonly string[], correlations: readonly Correlation[], where = "budget"): number[][] {
  const m: number[][] = names.map((_, i) => names.map((__, j) => (i === j ? 1 : 0)));
  const seen = new Set<string>();
  correlations.forEach((c, i) => {
    const fail = (field: string, reason: string) => new TelecalError("TC_ERR_BUDGET_INVALID", { file: where, path: `correlations.${i}.${field}`, reason });
    const ia = names.indexOf(c.a);
    const ib = names.indexOf(c.b);
    if (ia < 0) throw fail("a", `no input named '${c.a}'`);
    if (ib < 0) throw fail("b", `no input named '${c.b}'`);
    if (ia === ib) throw fail("b", `an input is not correlated with itself ('${c.a}')`);
    const key = [c.a, c.b].sort().join("\u0000");
    if (seen.has(key)) throw fail("b", `the pair '${c.a}', '${c.b}' is given twice`);
    seen.add(key);
    m[ia]![ib] = c.r;
    m[ib]![ia] = c.r;
  });
  return m;
}

/**
 * The lower-triangular L with L·Lᵀ = `m` for a positive semi-definite matrix (a zero pivot, as for
 * r = ±1, leaves its column zero); null when `m` is not positive semi-definite.
 */
export function cholesky(m: readonly (readonly number[])[]): number[][] | null {
  const n = m.length;
  const l = m.map(() => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let d = m[j]![j]!;
    for (let k = 0; k < j; k++) d -= l[j]![k]! ** 2;
    if (d < -1e-10) return null;
    const pivot = d > 1e-12 ? Math.sqrt(d) : 0;
    l[j]![j] = pivot;
    for (let i = j + 1; i < n; i++) {
      let s = m[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (pivot === 0) {
        if (Math.abs(s) > 1e-9) return null;
        l[i]![j] = 0;
      } else {
        l[i]![j] = s / pivot;
      }
    }
  }
  return l;
}
