// Smoothing of noisy curves for the charts (a presenter's option): an exponential moving average
// of each run's dense metrics over the metric points, debiased at the start. Pure.
import type { MetricPoint } from '../../worker/protocol.ts';

/** The chart's smoothing choices: the EMA's weight of the past (0: off). */
export const SMOOTHING_LEVELS = [
  { weight: 0, label: 'off' },
  { weight: 0.6, label: 'light (EMA 0.6)' },
  { weight: 0.9, label: 'strong (EMA 0.9)' },
] as const;

/** A running, debiased exponential moving average that skips non-finite values. */
class Ema {
  private sum = 0;
  private norm = 0;
  constructor(private readonly weight: number) {}

  /** The smoothed value after `v`; a non-finite `v` (−∞: variance exactly 0; NaN: stopped) is returned as is and not averaged in. */
  next(v: number): number {
    if (!Number.isFinite(v)) return v;
    this.sum = this.weight * this.sum + (1 - this.weight) * v;
    this.norm = this.weight * this.norm + (1 - this.weight);
    return this.sum / this.norm;
  }
}

/**
 * Each run's dense metrics (train: the window's accuracy or ELBO; logVar and every layerLogVar:
 * ln variance, averaged in the log domain) replaced by their exponential moving average over
 * the points, with weight `weight` of the past (0 ≤ weight < 1), debiased so the first values
 * are not pulled towards 0 (ema_t / (1 − weight^t)). Test values (sparse) are kept as they are.
 * Non-finite values are kept and skipped by the average. `weight` 0 returns `points` itself.
 *
 * @param points the metric points in order, runs [runs] per point
 * @throws RangeError for a weight outside [0, 1)
 */
export function smoothMetricPoints(points: readonly MetricPoint[], weight: number): readonly MetricPoint[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`the smoothing weight must be in [0, 1), got ${weight}`);
  if (weight === 0) return points;
  const train: Ema[] = [];
  const logVar: Ema[] = [];
  const layers: Ema[][] = [];
  return points.map((point) => ({
    ...point,
    runs: point.runs.map((run, r) => {
      train[r] ??= new Ema(weight);
      logVar[r] ??= new Ema(weight);
      layers[r] ??= [];
      const perLayer = layers[r];
      return {
        train: train[r].next(run.train),
        test: run.test,
        logVar: logVar[r].next(run.logVar),
        layerLogVar: run.layerLogVar.map((v, l) => (perLayer[l] ??= new Ema(weight)).next(v)),
      };
    }),
  }));
}
