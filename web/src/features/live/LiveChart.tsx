import { useEffect, useRef } from "react";
import uPlot from "uplot";
import { useLiveStore } from "../../realtime/context";
import { CHART_HEIGHT, chartOptions } from "./chart-options";

const FALLBACK_WIDTH = 300;

/**
 * A scrolling line chart of one stream's recent history. It lives outside React's render cycle:
 * new values only schedule a redraw, and uPlot gets at most one setData per animation frame.
 */
export function LiveChart({ streamKey, label }: { streamKey: string; label: string }) {
  const store = useLiveStore();
  const hostRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const host = hostRef.current;
    if (host === null) return;
    const plot = new uPlot(chartOptions(host.clientWidth || FALLBACK_WIDTH), [[], []], host);

    let frame = 0;
    const draw = () => {
      frame = 0;
      const history = store.getHistory(streamKey);
      // Copies, because the store keeps appending to its arrays between uPlot's own redraws.
      plot.setData(history === undefined ? [[], []] : [history.t.slice(), history.v.slice()]);
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(draw);
    };
    draw();
    const unsubscribe = store.subscribeStream(streamKey, schedule);

    const resizer = new ResizeObserver((entries) => {
      const width = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (width > 0 && width !== plot.width) plot.setSize({ width, height: CHART_HEIGHT });
    });
    resizer.observe(host);

    return () => {
      unsubscribe();
      resizer.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
      plot.destroy();
    };
  }, [store, streamKey]);

  return <div className="chart" ref={hostRef} role="img" aria-label={label} />;
}
