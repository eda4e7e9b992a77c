/**
 * Student's t and the normal distribution: what coverage factors need. Own implementation (no
 * dependency): the t CDF through the regularized incomplete beta function (continued fraction,
 * relative accuracy about 1e-14), its quantile by safeguarded Newton steps on the CDF, the normal
 * quantile by Acklam's rational approximation refined by one Halley step on erfc.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** erfc(x), as the regularized upper incomplete gamma Q(1/2, x²): series below, continued fraction above. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  const a = 0.5;
  const z = x * x;
  if (z < a + 1) {
    // Series of the lower incomplete gamma P(a, z).
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 500; n++) {
      term *= z / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return 1 - sum * Math.exp(-z + a * Math.log(z) - lnGamma(a));
  }
  // Continued fraction of Q(a, z) (modified Lentz).
  const tiny = 1e-300;
  let b = z + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-z + a * Math.log(z) - lnGamma(a)) * h;
}

/** Φ(z), the standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Φ⁻¹(p) for 0 < p < 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile of ${p}: p must lie in (0, 1)`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  // One Halley step brings the 1e-9 approximation to full double precision.
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** P(T ≤ t) for Student's t with ν degrees of freedom (ν may be fractional; Infinity: the normal). */
export function studentTCdf(t: number, dof: number): number {
  // Past 1e7 the t-distribution is the normal to 1e-7, and the incomplete beta loses all precision.
  if (dof === Infinity || dof > 1e7) return normalCdf(t);
  const x = dof / (dof + t * t);
  const tail = 0.5 * regularizedBeta(x, dof / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

function studentTPdf(t: number, dof: number): number {
  return Math.exp(lnGamma((dof + 1) / 2) - lnGamma(dof / 2) - 0.5 * Math.log(dof * Math.PI) - ((dof + 1) / 2) * Math.log1p((t * t) / dof));
}

/** The quantile t_p(ν): P(T ≤ t) = p. */
export function studentTQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`t quantile of ${p}: p must lie in (0, 1)`);
  if (!(dof > 0)) throw new RangeError(`t quantile with ${dof} degrees of freedom: ν must be positive`);
  if (dof === Infinity || dof > 1e7) return normalQuantile(p);
  if (p < 0.5) return -studentTQuantile(1 - p, dof);
  if (p === 0.5) return 0;
  if (dof === 1) return Math.tan(Math.PI * (p - 0.5));
  // Bracket [lo, hi] with F(lo) ≤ p ≤ F(hi), then Newton steps kept inside the bracket.
  let lo = 0;
  let hi = Math.max(1, normalQuantile(p));
  while (studentTCdf(hi, dof) < p) {
    lo = hi;
    hi *= 2;
  }
  let t = Math.min(Math.max(normalQuantile(p), lo), hi);
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(t, dof) - p;
    if (f === 0) return t;
    if (f < 0) lo = t;
    else hi = t;
    let next = t - f / studentTPdf(t, dof);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}

/**
 * The coverage factor k for a coverage probability p (two-sided) with ν effective degrees of
 * freedom: k = t_{(1+p)/2}(ν). A fractional ν is truncated to the integer below (GUM G.4.1 note 1,
 * JJF 1059.1), and never below 1.
 */
export function coverageFactor(probability: number, dof: number): number {
  const nu = dof === Infinity ? Infinity : Math.max(1, Math.floor(dof));
  return studentTQuantile((1 + probability) / 2, nu);
}

/** The two-sided coverage probability of ±k with ν degrees of freedom (the inverse of coverageFactor). */
export function coverageProbabilityOf(k: number, dof: number): number {
  const nu = dof === Infinity ? Infinity : Math.max(1, Math.floor(dof));
  return 2 * studentTCdf(k, nu) - 1;
}
