// Metrics as CSV (one row per point and run) and JSON (configuration, engine, runs, points).
import type { EngineTask, RunSpec } from '../../engine/types.ts';
import type { MetricPoint, RunFailure } from '../../worker/protocol.ts';
import type { PlaygroundConfig } from '../../playground/config.ts';
import { stoppedSummary } from './seedStatistics.ts';

const finiteOrNull = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : v);

/**
 * A JSON value of a metric: the number; ±∞ as the string "-Infinity" / "Infinity" (JSON has no
 * infinities; −∞ is the log of a gradient variance of exactly 0, a value, not a missing one);
 * null for NaN (a stopped run) and for no value.
 */
function jsonMetric(v: number | null): number | string | null {
  if (v === null || Number.isNaN(v)) return null;
  return Number.isFinite(v) ? v : String(v);
}

/**
 * One row per point and run (columns named for `task`: the bandit's accuracies, the VAE's ELBO
 * and bound); `stopped` is 1 from the point where the run stopped on a
 * non-finite value (its cells are empty from then on), else 0. An infinite value is written as
 * the CLI writes it (-Infinity: the log of a gradient variance of exactly 0); empty means none.
 */
export function metricsCsv(points: readonly MetricPoint[], runs: readonly RunSpec[], layers: number, failures: readonly RunFailure[], task: EngineTask = 'bandit'): string {
  // VAE (docs/math.md §3, §4): ELBO and K-sample bound in nats per image, variances of the encoder layers
  const layerColumns = Array.from({ length: layers }, (_, l) => (task === 'vae' ? `log_var_encoder_layer${l + 1}` : l === layers - 1 ? 'log_var_output' : `log_var_layer${l + 1}`));
  const metrics = task === 'vae' ? ['train_elbo_nats', 'test_bound_nats', 'log_mean_encoder_grad_variance'] : ['train_accuracy', 'test_accuracy', 'log_mean_grad_variance'];
  const header = ['update', 'epoch', 'estimator', 'seed', ...metrics, ...layerColumns, 'stopped'];
  const stoppedAt = new Map(failures.map((f) => [f.run, f.update]));
  const lines = [header.join(',')];
  const cell = (v: number | null): string => (v === null || Number.isNaN(v) ? '' : String(v));
  for (const point of points) {
    for (const run of runs) {
      const p = point.runs[run.index];
      if (!p) continue;
      const layerCells = Array.from({ length: layers }, (_, l) => cell(p.layerLogVar[l] ?? null));
      const stopped = (stoppedAt.get(run.index) ?? Number.POSITIVE_INFINITY) <= point.update ? 1 : 0;
      lines.push([point.update, point.epoch.toFixed(6), run.estimator, run.seed, cell(p.train), cell(p.test), cell(p.logVar), ...layerCells, stopped].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Configuration, engine, runs, stopped runs (listed and summarized per estimator) and every point (NaN as null, ±∞ as "-Infinity"/"Infinity"). */
export function metricsJson(
  config: PlaygroundConfig,
  engine: string,
  points: readonly MetricPoint[],
  runs: readonly RunSpec[],
  failures: readonly RunFailure[],
): string {
  const clean = points.map((p) => ({
    update: p.update,
    epoch: p.epoch,
    runs: p.runs.map((r) => ({
      train: finiteOrNull(r.train),
      test: finiteOrNull(r.test),
      logVar: jsonMetric(r.logVar),
      layerLogVar: r.layerLogVar.map((v) => jsonMetric(v)),
    })),
  }));
  // per estimator: "stopped k/N (first reason)" when runs stopped (left out of any mean), else "none"
  const stopped: Record<string, string> = {};
  for (const estimator of new Set(runs.map((r) => r.estimator))) {
    stopped[estimator] = stoppedSummary(failures, runs.filter((r) => r.estimator === estimator).map((r) => r.index)) || 'none';
  }
  return JSON.stringify({ config, engine, runs, failures, stopped, points: clean }, null, 1);
}
