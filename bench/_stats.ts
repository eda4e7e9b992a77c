/** Summary figures of a sample of durations in milliseconds. */
export function summarise(samples: number[]): { n: number; mean: number; p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { n: sorted.length, mean, p50: at(0.5), p99: at(0.99) };
}

export function ms(value: number): string {
  return `${(value * 1000).toFixed(1)} µs`;
}
