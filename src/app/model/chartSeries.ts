// Chart rows (for the live SVG charts and the exports) from the metric points: per estimator, the mean over seeds and a
// 95% band, downsampled to a bounded number of rows so drawing cost does not grow with time.
import type { EstimatorId, RunSpec } from '../../engine/types.ts';
import type { MetricPoint, RunPoint } from '../../worker/protocol.ts';
import { downsampleIndices } from './downsample.ts';
import { meanBand } from './seedStatistics.ts';

export interface MetricSeries {
  /** name used in data keys: `${estimator}__${name}` and `${estimator}__${name}__band` */
  name: string;
  value: (run: RunPoint) => number | null;
  /** true for sparse metrics (test accuracy): rows are chosen among the points where the test set was evaluated */
  sparse?: boolean;
  /** clamp the band to this range (accuracy: [0, 1]) */
  bounds?: [number, number];
}

export type ChartRow = { update: number; epoch: number } & Record<string, number | [number, number] | null>;

export function seriesKey(estimator: EstimatorId, name: string): string {
  return `${estimator}__${name}`;
}

export function bandKey(estimator: EstimatorId, name: string): string {
  return `${estimator}__${name}__band`;
}

/** Run indices per estimator (the seeds of that estimator). */
export function runsByEstimator(runs: readonly RunSpec[], estimators: readonly EstimatorId[]): Map<EstimatorId, number[]> {
  const map = new Map<EstimatorId, number[]>();
  for (const estimator of estimators) map.set(estimator, runs.filter((r) => r.estimator === estimator).map((r) => r.index));
  return map;
}

function selectRows(points: readonly MetricPoint[], series: readonly MetricSeries[], maxRows: number): number[] {
  const chosen = new Set<number>();
  const dense = series.some((s) => !s.sparse);
  if (dense) for (const i of downsampleIndices(points.length, maxRows)) chosen.add(i);
  if (series.some((s) => s.sparse)) {
    const tested: number[] = [];
    for (let i = 0; i < points.length; i++) if (points[i].tested) tested.push(i);
    for (const k of downsampleIndices(tested.length, maxRows)) chosen.add(tested[k]);
  }
  return [...chosen].sort((a, b) => a - b);
}

export function buildChartRows(
  points: readonly MetricPoint[],
  runs: readonly RunSpec[],
  estimators: readonly EstimatorId[],
  series: readonly MetricSeries[],
  maxRows = 200,
): ChartRow[] {
  const groups = runsByEstimator(runs, estimators);
  const columns = [...groups].flatMap(([estimator, indices]) =>
    series.map((s) => ({
      indices,
      value: s.value,
      mean: seriesKey(estimator, s.name),
      band: bandKey(estimator, s.name),
      bounds: s.bounds ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    })),
  );
  const values: number[] = [];
  return selectRows(points, series, maxRows).map((i) => {
    const point = points[i];
    const row: ChartRow = { update: point.update, epoch: point.epoch };
    for (const column of columns) {
      values.length = 0;
      for (const r of column.indices) {
        const run = point.runs[r];
        const v = run === undefined ? null : column.value(run);
        if (v !== null) values.push(v);
      }
      const stats = values.length > 0 ? meanBand(values) : null;
      row[column.mean] = stats ? stats.mean : null;
      row[column.band] = stats && stats.n > 1 ? [Math.max(column.bounds[0], stats.low), Math.min(column.bounds[1], stats.high)] : null;
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

/** VAE: the single-sample train ELBO of each window (nats per image), no bounds. */
export const TRAIN_ELBO: MetricSeries = { name: 'train', value: (r) => r.train };
/** VAE: the K-sample test bound where the test set was evaluated (nats per image). */
export const TEST_BOUND: MetricSeries = { name: 'test', value: (r) => r.test, sparse: true };
