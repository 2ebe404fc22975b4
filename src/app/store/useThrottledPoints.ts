// Charts read the metric points through this hook: each chart redraws on its own fixed timer
// (staggered by `phase`, so no two charts redraw in the same task), never per snapshot, so
// drawing never sets the training speed. Not a transition: the worker's status arrives several
// times a second as an urgent update, and a transition interrupted by each would restart
// without end on a slow machine (the charts then stayed behind, even after Pause).
import { useContext, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { MetricPoint, RunFailure } from '../../worker/protocol.ts';
import { PlaygroundStoreContext } from './playgroundStore.ts';

/** at most about one chart redraw a second while training (at once on pause and on reset) */
export const CHART_REDRAW_MS = 1000;

/**
 * A chart waits this many times its last redraw's cost before the next one (and at least
 * CHART_REDRAW_MS), so that redrawing never takes more than about 1/(1 + this) of the main
 * thread however slow the machine: a click (Pause) always finds it free soon.
 */
export const REDRAW_BACKOFF = 8;

export interface ThrottledMetrics {
  points: MetricPoint[];
  failures: RunFailure[];
}

/** `phase` in [0, 1): the fraction of the period this subscriber's timer is offset by. */
export function useThrottledMetrics(phase = 0, intervalMs = CHART_REDRAW_MS): ThrottledMetrics {
  const store = useContext(PlaygroundStoreContext);
  if (!store) throw new Error('useThrottledMetrics outside PlaygroundStoreContext');
  const [metrics, setMetrics] = useState<ThrottledMetrics>(() => ({ points: store.getState().points, failures: store.getState().failures }));
  // the last redraw's cost: from the state change to the commit of this subscriber's subtree
  const requested = useRef<number | null>(null);
  const lastCost = useRef(0);
  useLayoutEffect(() => {
    if (requested.current === null) return;
    lastCost.current = performance.now() - requested.current;
    requested.current = null;
  }, [metrics]);
  useEffect(() => {
    const update = (): void => {
      const { points, failures } = store.getState();
      setMetrics((current) => {
        if (current.points === points && current.failures === failures) return current;
        requested.current = performance.now();
        return { points, failures };
      });
    };
    // also redraw at once when training stops or the metrics are cleared (a reset), so the
    // charts agree with each other whenever nothing is moving
    const unsubscribe = store.subscribe((state, previous) => {
      if ((previous.status.playing && !state.status.playing) || (state.points.length === 0 && previous.points.length > 0)) update();
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = (): void => {
      update();
      timer = setTimeout(tick, Math.max(intervalMs, REDRAW_BACKOFF * lastCost.current));
    };
    timer = setTimeout(tick, phase * intervalMs);
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [store, intervalMs, phase]);
  return metrics;
}
