// The metric points streamed by the worker, and the runs that stopped on a non-finite value.
import type { StateCreator } from 'zustand/vanilla';
import type { MetricPoint, RunFailure } from '../../worker/protocol.ts';

export interface MetricsSlice {
  points: MetricPoint[];
  failures: RunFailure[];
  appendMetrics: (points: MetricPoint[], failures: RunFailure[]) => void;
  clearMetrics: () => void;
  /** replaces the metrics (a loaded model file's) */
  setMetrics: (points: MetricPoint[], failures: RunFailure[]) => void;
  /** drops the points and failures after `update` (they will be trained again from there) */
  truncateMetrics: (update: number) => void;
}

export const createMetricsSlice: StateCreator<MetricsSlice> = (set) => ({
  points: [],
  failures: [],
  appendMetrics: (points, failures) => {
    if (points.length === 0 && failures.length === 0) return;
    set((state) => ({
      points: points.length > 0 ? state.points.concat(points) : state.points,
      failures: failures.length > 0 ? state.failures.concat(failures) : state.failures,
    }));
  },
  clearMetrics: () => set({ points: [], failures: [] }),
  setMetrics: (points, failures) => set({ points, failures }),
  truncateMetrics: (update) =>
    set((state) => ({ points: state.points.filter((p) => p.update <= update), failures: state.failures.filter((f) => f.update <= update) })),
});
