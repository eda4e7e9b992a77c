/** How much recent history a viewer keeps per stream: whichever limit is reached first. */
export const HISTORY_WINDOW_MS = 10 * 60_000;
export const HISTORY_MAX_POINTS = 6000;

/**
 * The recent values of one stream, oldest first, as two parallel arrays (the layout uPlot wants).
 * The window is measured from the newest point rather than the browser's clock, so a viewer whose
 * clock is off does not lose or keep points wrongly.
 */
export class History {
  private readonly times: number[] = [];
  private readonly values: (number | null)[] = [];

  get length(): number {
    return this.times.length;
  }

  get t(): readonly number[] {
    return this.times;
  }

  get v(): readonly (number | null)[] {
    return this.values;
  }

  /** Appends a point; returns false (and keeps nothing) when it is not newer than the last one. */
  push(t: number, value: number | null): boolean {
    const last = this.times[this.times.length - 1];
    if (last !== undefined && t <= last) return false;
    this.times.push(t);
    this.values.push(value);
    this.trim(t);
    return true;
  }

  private trim(newest: number): void {
    const cutoff = newest - HISTORY_WINDOW_MS;
    let drop = Math.max(0, this.times.length - HISTORY_MAX_POINTS);
    while (drop < this.times.length && (this.times[drop] ?? newest) < cutoff) drop++;
    if (drop > 0) {
      this.times.splice(0, drop);
      this.values.splice(0, drop);
    }
  }
}
