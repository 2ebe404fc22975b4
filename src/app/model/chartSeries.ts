// Chart rows for recharts from the metric points: per estimator, the mean over seeds and a
// 95% band, downsampled to a bounded number of rows so drawing cost does not grow with time.
import type { BanditEstimator, RunSpec } from '../../engine/types.ts';
import type { MetricPoint, RunPoint } from '../../worker/protocol.ts';
import { downsampleIndices } from './downsample.ts';
import { meanBand } from './seedStatistics.ts';

export interface MetricSeries {
  /** name used in data keys: `${estimator}__${name}` and `${estimator}__${name}__band` */
  name: string;
  value: (run: RunPoint) => number | null;
  /** true for sparse metrics (test accuracy): rows are chosen among points that have a value */
  sparse?: boolean;
  /** clamp the band to this range (accuracy: [0, 1]) */
  bounds?: [number, number];
}

export type ChartRow = { update: number; epoch: number } & Record<string, number | [number, number] | null>;

export function seriesKey(estimator: BanditEstimator, name: string): string {
  return `${estimator}__${name}`;
}

export function bandKey(estimator: BanditEstimator, name: string): string {
  return `${estimator}__${name}__band`;
}

/** Run indices per estimator (the seeds of that estimator). */
export function runsByEstimator(runs: readonly RunSpec[], estimators: readonly BanditEstimator[]): Map<BanditEstimator, number[]> {
  const map = new Map<BanditEstimator, number[]>();
  for (const estimator of estimators) map.set(estimator, runs.filter((r) => r.estimator === estimator).map((r) => r.index));
  return map;
}

function selectRows(points: readonly MetricPoint[], series: readonly MetricSeries[], maxRows: number): number[] {
  const chosen = new Set<number>();
  const dense = series.some((s) => !s.sparse);
  if (dense) for (const i of downsampleIndices(points.length, maxRows)) chosen.add(i);
  for (const s of series.filter((m) => m.sparse)) {
    const withValue = points.flatMap((p, i) => (p.runs.some((r) => s.value(r) !== null) ? [i] : []));
    for (const k of downsampleIndices(withValue.length, maxRows)) chosen.add(withValue[k]);
  }
  return [...chosen].sort((a, b) => a - b);
}

export function buildChartRows(
  points: readonly MetricPoint[],
  runs: readonly RunSpec[],
  estimators: readonly BanditEstimator[],
  series: readonly MetricSeries[],
  maxRows = 200,
): ChartRow[] {
  const groups = runsByEstimator(runs, estimators);
  return selectRows(points, series, maxRows).map((i) => {
    const point = points[i];
    const row: ChartRow = { update: point.update, epoch: point.epoch };
    for (const [estimator, indices] of groups) {
      for (const s of series) {
        const values = indices.map((r) => point.runs[r]).filter((r) => r !== undefined).map((r) => s.value(r));
        const present = values.filter((v): v is number => v !== null);
        const stats = present.length > 0 ? meanBand(present) : null;
        row[seriesKey(estimator, s.name)] = stats ? stats.mean : null;
        const [lo, hi] = s.bounds ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
        row[bandKey(estimator, s.name)] = stats && stats.n > 1 ? [Math.max(lo, stats.low), Math.min(hi, stats.high)] : null;
      }
    }
    return row;
  });
}

export const TRAIN_ACCURACY: MetricSeries = { name: 'train', value: (r) => r.train, bounds: [0, 1] };
export const TEST_ACCURACY: MetricSeries = { name: 'test', value: (r) => r.test, sparse: true, bounds: [0, 1] };
export const LOG_VARIANCE: MetricSeries = { name: 'logVar', value: (r) => r.logVar };

export function layerVarianceSeries(layer: number): MetricSeries {
  return { name: `layer${layer}`, value: (r) => r.layerLogVar[layer] ?? null };
}
