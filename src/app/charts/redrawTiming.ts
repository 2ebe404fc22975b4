// Redraw timing of the live charts for the browser benchmark (bench/browser/chartsBench.ts):
// when the page has a `window.hncaChartRedraws` array (the benchmark adds it before the page
// loads), each chart records how long a redraw took, from the render that received new rows to
// the commit of its drawing (wall-clock milliseconds, including any time React yielded to other
// work). Without the array, nothing is measured or stored.
import { useLayoutEffect, useRef } from 'react';

/** One measured redraw. */
export interface ChartRedraw {
  chart: string;
  /** milliseconds from the render with new input to the commit of the chart's DOM */
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
  useLayoutEffect(() => {
    committed.current = input;
    if (start.current === null) return;
    window.hncaChartRedraws?.push({ chart: id, ms: performance.now() - start.current, points: input.length });
    start.current = null;
  }, [id, input]);
}
