// Charts read the metric points through this hook: they redraw on a fixed timer, never per
// snapshot, so drawing never sets the training speed.
import { useContext, useEffect, useState } from 'react';
import type { MetricPoint, RunFailure } from '../../worker/protocol.ts';
import { PlaygroundStoreContext } from './playgroundStore.ts';

export const CHART_REDRAW_MS = 1000;

export interface ThrottledMetrics {
  points: MetricPoint[];
  failures: RunFailure[];
}

export function useThrottledMetrics(intervalMs = CHART_REDRAW_MS): ThrottledMetrics {
  const store = useContext(PlaygroundStoreContext);
  if (!store) throw new Error('useThrottledMetrics outside PlaygroundStoreContext');
  const [metrics, setMetrics] = useState<ThrottledMetrics>(() => ({ points: store.getState().points, failures: store.getState().failures }));
  useEffect(() => {
    const timer = setInterval(() => {
      const { points, failures } = store.getState();
      setMetrics((current) => (current.points === points && current.failures === failures ? current : { points, failures }));
    }, intervalMs);
    return () => clearInterval(timer);
  }, [store, intervalMs]);
  return metrics;
}
