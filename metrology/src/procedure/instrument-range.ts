/**
 * An instrument's range as the registry holds it: free text from the data sheet ("0-1020 V DC/AC,
 * 0-20.5 A", "220 g / 0.1 mg", "-200-660 °C (with SPRT)"). What can be read of it is a list of
 * intervals, each in a base unit; the rest (resolution after " / ", words) is ignored.
 */
export interface RangeInterval {
  /** The unit without its SI prefix: V, Ω, g, Pa, °C ... */
  base: string;
  min: number;
  max: number;
}

const PREFIX: Readonly<Record<string, number>> = { G: 1e9, M: 1e6, k: 1e3, h: 1e2, m: 1e-3, µ: 1e-6, u: 1e-6, n: 1e-9 };
const BASES = new Set(["V", "A", "Ω", "g", "Pa", "°C", "K", "Hz", "W", "%RH", "bar", "s"]);
const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
const UNIT = String.raw`[A-Za-zΩµ°%]+`;
const INTERVAL = new RegExp(String.raw`(${NUMBER})\s*(${UNIT})?\s*-\s*(${NUMBER})\s*(${UNIT})`, "g");
const SINGLE = new RegExp(String.raw`(${NUMBER})\s*(${UNIT})`, "g");

/** A unit as base and factor ("mV" → V, 1e-3; "hPa" → Pa, 100); null for one not known here. */
export function unitOf(unit: string): { base: string; factor: number } | null {
  if (BASES.has(unit)) return { base: unit, factor: 1 };
  const factor = PREFIX[unit.slice(0, 1)];
  const base = unit.slice(1);
  return factor !== undefined && BASES.has(base) ? { base, factor } : null;
}

/** The intervals that can be read from a range text; a lone maximum ("220 g") is read as from zero. */
export function parseRange(text: string): RangeInterval[] {
  const intervals: RangeInterval[] = [];
  // " / " introduces the resolution ("220 g / 0.1 mg"); "DC/AC" has no spaces and stays.
  for (const segment of text.split(/[,;，；]/)) {
    const part = segment.split(/\s\/\s/)[0]!;
    const found = [...part.matchAll(INTERVAL)].flatMap((m) => {
      const hi = unitOf(m[4]!);
      const lo = m[2] === undefined ? hi : unitOf(m[2]);
      if (!hi || !lo || lo.base !== hi.base) return [];
      return [{ base: hi.base, min: Number(m[1]) * lo.factor, max: Number(m[3]) * hi.factor }];
    });
    if (found.length > 0) {
      intervals.push(...found);
      continue;
    }
    const single = [...part.matchAll(SINGLE)][0];
    const unit = single && unitOf(single[2]!);
    if (single && unit) intervals.push({ base: unit.base, min: 0, max: Number(single[1]) * unit.factor });
  }
  return intervals;
}

/**
 * Whether a value lies in the range. Zero always does (an empty pan, a vented gauge). A range from
 * zero up is a range of magnitude, as data sheets write them ("0-1020 V" sources -10 V too); one with
 * a negative bound is taken as signed. Null: the range says nothing of this unit.
 */
export function inRange(intervals: readonly RangeInterval[], value: number, unit: string): boolean | null {
  const u = unitOf(unit);
  const mine = u ? intervals.filter((i) => i.base === u.base) : [];
  if (!u || mine.length === 0) return null;
  const v = value * u.factor;
  if (v === 0) return true;
  return mine.some((i) => {
    const x = i.min >= 0 ? Math.abs(v) : v;
    // Rounding of the prefix factors (0.1 * 1e-3) must not put a bound itself outside.
    const tol = 1e-9 * Math.max(Math.abs(i.min), Math.abs(i.max));
    return x >= i.min - tol && x <= i.max + tol;
  });
}
