// Redraw timing of the live charts for the browser benchmark (bench/browser/chartsBench.ts):
// when the page has a `window.hncaChartRedraws` array (the benchmark adds it before the page
// loads), each chart records how long a redraw took, from the render that received new rows until
// recharts has drawn them (wall-clock milliseconds, including any time React yielded to other
// work). recharts draws in two passes: the render with the new data commits, then its effects
// put the data into the chart's store and the store's subscribers (axes, lines, bands) render
// again synchronously at the end of that effects task; the redraw ends with that task (a
// zero-delay timeout posted from this hook's effect, which runs after the chart's own effects).
// Each redraw is also marked for Chromium's tracing (performance.measure 'chart-redraw:<id>'),
// so that a test can add up the main thread's CPU time inside it (tests/browser/mainThreadTrace.ts).
// Without the array, nothing is measured or stored.
import { useEffect, useRef } from 'react';

/** One measured redraw. */
export interface ChartRedraw {
  chart: string;
  /** milliseconds from the render with new input to the end of recharts' second pass (its store's re-render) */
  ms: number;
  /** metric points the rows were built from */
  points: number;
}

declare global {
  interface Window {
    /** set by the browser benchmark only: every chart redraw is appended */
    hncaChartRedraws?: ChartRedraw[];
  }
}

/** Records a redraw of chart `id` whenever `input` (its rows) changes, when the benchmark asks. */
export function useRedrawTiming(id: string, input: readonly unknown[]): void {
  const start = useRef<number | null>(null);
  const committed = useRef<readonly unknown[] | null>(null);
  const log = typeof window === 'undefined' ? undefined : window.hncaChartRedraws;
  if (log && committed.current !== input && start.current === null) start.current = performance.now();
  useEffect(() => {
    committed.current = input;
    const t0 = start.current;
    if (t0 === null) return;
    start.current = null;
    setTimeout(() => {
      const t1 = performance.now();
      performance.measure(`chart-redraw:${id}`, { start: t0, end: t1 });
      window.hncaChartRedraws?.push({ chart: id, ms: t1 - t0, points: input.length });
    }, 0);
  }, [id, input]);
}
