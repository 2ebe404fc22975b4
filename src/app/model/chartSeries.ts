// Chart rows (for the live recharts charts) from the metric points: per estimator, the mean over seeds and a
// 95% band, downsampled (min/max per bucket) to about the plot's width in rows so drawing cost does not grow with time.
import type { EstimatorId, RunSpec } from '../../engine/types.ts';
import type { MetricPoint, RunPoint } from '../../worker/protocol.ts';
import { minMaxBucketIndices } from './downsample.ts';
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

/**
 * One chart row: the update and fractional epoch, then per estimator and series the mean over
 * its live seeds (`seriesKey`; −∞ when a seed's value is −∞, e.g. ln of a variance of exactly 0;
 * null where there is no value) and the 95% band (`bandKey`; null with fewer than two seeds).
 */
export type ChartRow = { update: number; epoch: number } & Record<string, number | [number, number] | null>;

/** The stable recharts dataKey of an estimator's mean of series `name`. */
export function seriesKey(estimator: EstimatorId, name: string): string {
  return `${estimator}__${name}`;
}

/** The stable recharts dataKey of an estimator's 95% band of series `name` ([low, high]). */
export function bandKey(estimator: EstimatorId, name: string): string {
  return `${estimator}__${name}__band`;
}

/** Run indices per estimator (the seeds of that estimator). */
export function runsByEstimator<E extends EstimatorId>(runs: readonly RunSpec[], estimators: readonly E[]): Map<E, number[]> {
  const map = new Map<E, number[]>();
  for (const estimator of estimators) map.set(estimator, runs.filter((r) => r.estimator === estimator).map((r) => r.index));
  return map;
}

/** Mean over the runs `indices` of `value` at one point: NaN (stopped) skipped, −∞ kept; null when none. */
function pointMean(point: MetricPoint, indices: readonly number[], value: (run: RunPoint) => number | null): number | null {
  let sum = 0;
  let n = 0;
  for (const r of indices) {
    const run = point.runs[r];
    const v = run === undefined ? null : value(run);
    if (v === null || Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return n > 0 ? sum / n : null;
}

/**
 * Rows of a chart of `series` for every estimator: the mean over seeds and the 95% band at the
 * points chosen by min/max buckets over the means (minMaxBucketIndices), dense series among all
 * points, sparse ones (test accuracy) among the points where the test set was evaluated.
 *
 * @param maxRows about how many rows per kind (dense, sparse): the chart's plot width in pixels
 */
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
      sparse: s.sparse === true,
      mean: seriesKey(estimator, s.name),
      band: bandKey(estimator, s.name),
      bounds: s.bounds ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    })),
  );
  const chosen = new Set<number>();
  const choose = (candidates: readonly number[], sparse: boolean): void => {
    const accessors = columns.filter((c) => c.sparse === sparse).map((c) => (k: number) => pointMean(points[candidates[k]], c.indices, c.value));
    for (const k of minMaxBucketIndices(candidates.length, maxRows, accessors)) chosen.add(candidates[k]);
  };
  if (series.some((s) => !s.sparse)) choose(Array.from({ length: points.length }, (_, i) => i), false);
  if (series.some((s) => s.sparse)) {
    const tested: number[] = [];
    for (let i = 0; i < points.length; i++) if (points[i].tested) tested.push(i);
    choose(tested, true);
  }
  const values: number[] = [];
  return [...chosen].sort((a, b) => a - b).map((i) => {
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
      // no band from one seed, nor around an infinite mean (−∞: a variance of exactly 0)
      row[column.band] = stats && stats.n > 1 && Number.isFinite(stats.mean) ? [Math.max(column.bounds[0], stats.low), Math.min(column.bounds[1], stats.high)] : null;
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
