// The metric points streamed by the worker, and the runs that stopped on a non-finite value.
import type { StateCreator } from 'zustand/vanilla';
import type { MetricPoint, RunFailure } from '../../worker/protocol.ts';

export interface MetricsSlice {
  points: MetricPoint[];
  failures: RunFailure[];
  appendMetrics: (points: MetricPoint[], failures: RunFailure[]) => void;
  clearMetrics: () => void;
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
});
