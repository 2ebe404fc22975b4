// Charts read the metric points through this hook: each chart redraws on its own fixed timer
// (staggered by `phase`, so no two charts redraw in the same task), never per snapshot, so
// drawing never sets the training speed. Not a transition: the worker's status arrives several
// times a second as an urgent update, and a transition interrupted by each would restart
// without end on a slow machine (the charts then stayed behind, even after Pause).
import { useContext, useEffect, useState } from 'react';
import type { MetricPoint, RunFailure } from '../../worker/protocol.ts';
import { PlaygroundStoreContext } from './playgroundStore.ts';

/** at most about one chart redraw a second while training (at once on pause and on reset) */
export const CHART_REDRAW_MS = 1000;

export interface ThrottledMetrics {
  points: MetricPoint[];
  failures: RunFailure[];
}

/** `phase` in [0, 1): the fraction of the period this subscriber's timer is offset by. */
export function useThrottledMetrics(phase = 0, intervalMs = CHART_REDRAW_MS): ThrottledMetrics {
  const store = useContext(PlaygroundStoreContext);
  if (!store) throw new Error('useThrottledMetrics outside PlaygroundStoreContext');
  const [metrics, setMetrics] = useState<ThrottledMetrics>(() => ({ points: store.getState().points, failures: store.getState().failures }));
  useEffect(() => {
    const update = (): void => {
      const { points, failures } = store.getState();
      setMetrics((current) => (current.points === points && current.failures === failures ? current : { points, failures }));
    };
    // also redraw at once when training stops or the metrics are cleared (a reset), so the
    // charts agree with each other whenever nothing is moving
    const unsubscribe = store.subscribe((state, previous) => {
      if ((previous.status.playing && !state.status.playing) || (state.points.length === 0 && previous.points.length > 0)) update();
    });
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = setTimeout(() => {
      update();
      timer = setInterval(update, intervalMs);
    }, phase * intervalMs);
    return () => {
      unsubscribe();
      clearTimeout(start);
      if (timer !== undefined) clearInterval(timer);
    };
  }, [store, intervalMs, phase]);
  return metrics;
}
