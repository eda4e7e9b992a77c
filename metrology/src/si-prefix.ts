/** SI prefixes that instrument displays use, largest first, for engineering notation. */
const PREFIXES: ReadonlyArray<readonly [number, string]> = [
  [1e9, "G"],
  [1e6, "M"],
  [1e3, "k"],
  [1, ""],
  [1e-3, "m"],
  [1e-6, "µ"],
  [1e-9, "n"],
  [1e-12, "p"],
];

/** Units that take an SI prefix on display; others (°C, %RH, hPa, g) are shown as they come. */
const PREFIXABLE = new Set(["V", "A", "Ω", "Hz", "W", "Pa", "s", "F", "H", "S", "K"]);

/**
 * Formats a value in engineering notation with a prefixed unit ("1.000234 V", "12.5 mV"), keeping
 * the given number of significant digits, as an instrument's display would.
 */
export function formatEngineering(value: number, unit: string, significant = 7): string {
  if (!Number.isFinite(value)) return `${value} ${unit}`;
  if (value === 0) return `${(0).toFixed(Math.max(0, significant - 1))} ${unit}`;
  const abs = Math.abs(value);
  if (!PREFIXABLE.has(unit)) {
    const intDigits = Math.max(1, Math.floor(Math.log10(abs)) + 1);
    return `${value.toFixed(Math.min(12, Math.max(0, significant - intDigits)))} ${unit}`;
  }
  const [factor, prefix] = PREFIXES.find(([f]) => abs >= f * 0.9999995) ?? PREFIXES[PREFIXES.length - 1]!;
  const scaled = value / factor;
  const intDigits = Math.max(1, Math.floor(Math.log10(Math.abs(scaled))) + 1);
  return `${scaled.toFixed(Math.max(0, significant - intDigits))} ${prefix}${unit}`;
}
