const PREFIX: Readonly<Record<string, number>> = {
  p: 1e-12,
  n: 1e-9,
  u: 1e-6,
  µ: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
};

/**
 * Parses a numeric parameter that may carry a unit with an SI prefix, as calibrators accept it:
 * "10 V", "10V", "-1.5e-3", "1 kHz", "100 mV". Returns null when the text is not that, or its unit
 * is not `unit`.
 */
export function parseQuantityParam(text: string, unit?: string): number | null {
  const match = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-zµΩ]*)\s*$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  const suffix = match[2] ?? "";
  if (suffix === "") return value;
  if (unit === undefined) return null;
  if (suffix.toUpperCase() === unit.toUpperCase()) return value;
  const prefix = suffix.slice(0, suffix.length - unit.length);
  const rest = suffix.slice(prefix.length);
  // Case matters for the prefix (m milli, M mega) but not for the unit (v, V).
  if (rest.toUpperCase() !== unit.toUpperCase() || !(prefix in PREFIX)) return null;
  return value * PREFIX[prefix]!;
}

/** Whether a parameter states `unit` (with or without an SI prefix), as "100 OHM" or "1 kOHM" do. */
export function carriesUnit(text: string | undefined, unit: string): boolean {
  return text !== undefined && /[A-Za-zµΩ]\s*$/.test(text) && parseQuantityParam(text, unit) !== null;
}
