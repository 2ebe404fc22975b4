// The latest train accuracy, test accuracy and log variance per estimator (mean over its live seeds).
import type { EstimatorId, RunSpec } from '../../engine/types.ts';
import type { MetricPoint, RunPoint } from '../../worker/protocol.ts';
import { meanBand } from './seedStatistics.ts';

export interface LatestRow {
  estimator: EstimatorId;
  train: number | null;
  test: number | null;
  logVar: number | null;
}

function lastValue(points: readonly MetricPoint[], runIndices: number[], value: (r: RunPoint) => number | null): number | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const values = runIndices.map((r) => points[i].runs[r]).filter((r) => r !== undefined).map(value).filter((v): v is number => v !== null);
    if (values.length > 0) return meanBand(values)?.mean ?? null;
  }
  return null;
}

export function latestValues(points: readonly MetricPoint[], runs: readonly RunSpec[], estimators: readonly EstimatorId[]): LatestRow[] {
  return estimators.map((estimator) => {
    const indices = runs.filter((r) => r.estimator === estimator).map((r) => r.index);
    return {
      estimator,
      train: lastValue(points, indices, (r) => r.train),
      test: lastValue(points, indices, (r) => r.test),
      logVar: lastValue(points, indices, (r) => r.logVar),
    };
  });
}
