import type uPlot from "uplot";

export const CHART_HEIGHT = 160;

const AXIS = "#64748b";
const GRID = "#e2e8f0";
const LINE = "#2563eb";
const FONT = "11px system-ui, -apple-system, 'Segoe UI', sans-serif";

function two(n: number): string {
  return n.toString().padStart(2, "0");
}

/** 24-hour clock: uPlot's default am/pm labels read oddly in Chinese and in a lab. */
function clockLabels(_: uPlot, splits: number[], _axis: number, _space: number, step: number): string[] {
  return splits.map((ms) => {
    const d = new Date(ms);
    const clock = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
    return step < 1000 ? `${clock}.${Math.floor(d.getMilliseconds() / 100)}` : clock;
  });
}

/** Decimals that the tick step needs, so that ticks around 1.000100 V do not all read "1". */
function decimalsOf(step: number): number {
  for (let d = 0; d < 15; d++) {
    const scaled = step * 10 ** d;
    if (scaled >= 0.5 && Math.abs(scaled - Math.round(scaled)) < 1e-6 * scaled) return d;
  }
  return 15;
}

function valueLabels(_: uPlot, splits: number[], _axis: number, _space: number, step: number): string[] {
  const decimals = decimalsOf(step);
  return splits.map((v) => v.toFixed(decimals));
}

/** Wide enough for the longest tick label, since readings often carry six or seven digits. */
function valueAxisSize(_: uPlot, values: string[] | null): number {
  const longest = (values ?? []).reduce((n, v) => Math.max(n, v.length), 0);
  return Math.max(40, longest * 7 + 16);
}

export function chartOptions(width: number): uPlot.Options {
  const grid = { stroke: GRID, width: 1 };
  return {
    width,
    height: CHART_HEIGHT,
    // History times are UTC milliseconds; telling uPlot so avoids converting every point.
    ms: 1,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    series: [{}, { stroke: LINE, width: 1.5, spanGaps: false }],
    axes: [
      { stroke: AXIS, font: FONT, grid, ticks: grid, space: 80, values: clockLabels },
      { stroke: AXIS, font: FONT, grid, ticks: grid, size: valueAxisSize, values: valueLabels },
    ],
  };
}
