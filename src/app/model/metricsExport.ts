// Metrics as CSV (one row per point and run) and JSON (configuration, engine, runs, points).
import type { EngineTask, RunSpec } from '../../engine/types.ts';
import type { MetricPoint, RunFailure } from '../../worker/protocol.ts';
import type { PlaygroundConfig } from '../../playground/config.ts';
import { stoppedSummary } from './seedStatistics.ts';
import { resultsCsv, type ResultsRow } from '../../engine/resultsTable.ts';

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

/** What the metrics CSV needs to know of the configuration besides the points. */
export interface MetricsTableShape {
  task: EngineTask;
  /** variance layers of the engine (types.ts varianceLayerCount): bandit hidden + 1, VAE layers, conv bandit convolutions + 2 */
  varianceLayers: number;
  /** N of categorical hidden units; null for Bernoulli units and the other tasks */
  categories: number | null;
  /** VAE: K of the test bound; null for the bandits */
  testK: number | null;
}

/** The depth of a table's rows from its variance layers: hidden layers, stochastic layers or convolutions. */
function depthOf(shape: MetricsTableShape): number {
  return shape.varianceLayers - (shape.task === 'bandit' ? 1 : shape.task === 'conv-bandit' ? 2 : 0);
}

/**
 * The playground's metrics in the project's one results schema (src/engine/resultsTable.ts, the
 * README's "Results format"; `hnca reproduce` writes the same): one row per point and run;
 * `stopped` is 1 from the point where the run stopped on a non-finite value (its metric cells
 * are empty from then on); empty means no value; −∞ (the log of a variance of exactly 0) is
 * written `-Infinity`.
 */
export function metricsCsv(points: readonly MetricPoint[], runs: readonly RunSpec[], failures: readonly RunFailure[], shape: MetricsTableShape): string {
  const depth = depthOf(shape);
  const stoppedAt = new Map(failures.map((f) => [f.run, f.update]));
  const rows: ResultsRow[] = [];
  for (const point of points) {
    for (const run of runs) {
      const p = point.runs[run.index];
      if (!p) continue;
      rows.push({
        categories: shape.categories,
        depth,
        estimator: run.estimator,
        seed: run.seed,
        update: point.update,
        epoch: point.epoch,
        train: p.train,
        test: p.test,
        testK: shape.task === 'vae' ? shape.testK : null,
        logMeanGradVariance: p.logVar,
        layerLogGradVariance: Array.from({ length: shape.varianceLayers }, (_, l) => p.layerLogVar[l] ?? null),
        stopped: (stoppedAt.get(run.index) ?? Number.POSITIVE_INFINITY) <= point.update,
      });
    }
  }
  return resultsCsv({ task: shape.task, categorical: shape.categories !== null, depths: [depth] }, rows);
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
