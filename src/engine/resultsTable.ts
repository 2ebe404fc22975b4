// The one results table of the project (issue 25): the CSV that `hnca reproduce` writes and the
// playground's "Metrics CSV" export share this schema: tidy (one row per run and recorded point),
// snake_case columns, one column per layer, one spelling of non-finite values. The README's
// "Results format" section documents it; tests/resultsSchema.test.ts holds both writers to it.
import type { EngineTask } from './types.ts';

/** Where a table's rows come from: the task, and per row the grid cell it belongs to. */
export interface ResultsShape {
  task: EngineTask;
  /** the categorical-unit grid (docs/math.md §7.1): a column `categories` (N) */
  categorical: boolean;
  /**
   * the depths that occur in the table (bandit: hidden layers; VAE: stochastic layers; conv
   * bandit: convolutions): the per-layer columns are the union of theirs
   */
  depths: readonly number[];
}

/** One run at one recorded point: the end of an epoch (CLI) or of a metric window (playground). */
export interface ResultsRow {
  /** N of the categorical units; null elsewhere */
  categories: number | null;
  /** hidden layers (bandit), stochastic layers (VAE) or convolutions (conv bandit) */
  depth: number;
  estimator: string;
  seed: number;
  /** cumulative updates of the run */
  update: number;
  /** training examples seen / training-set size (fractional in the playground) */
  epoch: number;
  /** bandit: mean reward (online); VAE: single-sample ELBO, nats per image (online) */
  train: number | null;
  /** bandit: test accuracy; VAE: K-sample importance-weighted bound, nats; null when not evaluated */
  test: number | null;
  /** VAE: K of the test bound; null for the bandits */
  testK: number | null;
  /** ln of the mean per-parameter gradient variance (docs/math.md §4); −∞ for a variance of exactly 0 */
  logMeanGradVariance: number | null;
  /** per variance layer of this row's depth (varianceLayerColumns order), the same log */
  layerLogGradVariance: readonly (number | null)[];
  /** the run stopped on a non-finite value at or before this point (its metric cells are empty) */
  stopped: boolean;
}

/** The name of the depth column of a task. */
export function depthColumnOf(task: EngineTask): string {
  return task === 'vae' ? 'stochastic_layers' : task === 'conv-bandit' ? 'conv_layers' : 'hidden_layers';
}

/**
 * The per-layer variance columns of one depth, in the engine's layer order
 * (RunCounters.layerGradVarianceSum, types.ts varianceLayerCount): bandit, hidden layers then the
 * output; VAE, the encoder layers; conv bandit (docs/math.md §7.2), the convolutions, the linear
 * layer to the Bernoulli logits and the output.
 */
export function varianceLayerColumns(task: EngineTask, depth: number): string[] {
  const column = (name: string): string => `log_grad_variance_${name}`;
  if (task === 'vae') return Array.from({ length: depth }, (_, l) => column(`encoder${l + 1}`));
  if (task === 'conv-bandit') return [...Array.from({ length: depth }, (_, l) => column(`conv${l + 1}`)), column('linear'), column('output')];
  return [...Array.from({ length: depth }, (_, l) => column(`hidden${l + 1}`)), column('output')];
}

/** The union of the per-layer columns of every depth of a table, in layer order (the output last). */
function layerColumnsOf(shape: ResultsShape): string[] {
  const all = new Set<string>();
  const deepest = Math.max(1, ...shape.depths);
  for (const name of varianceLayerColumns(shape.task, deepest)) all.add(name);
  return [...all];
}

/** The score columns of a task: accuracies (bandits) or the ELBO, the bound and its K (VAE). */
function scoreColumns(task: EngineTask): string[] {
  return task === 'vae' ? ['train_elbo_nats', 'test_bound_nats', 'test_bound_k'] : ['train_accuracy', 'test_accuracy'];
}

/** The header of a table of this shape. */
export function resultsColumns(shape: ResultsShape): string[] {
  return [
    ...(shape.categorical ? ['categories'] : []),
    depthColumnOf(shape.task),
    'estimator',
    'seed',
    'update',
    'epoch',
    ...scoreColumns(shape.task),
    'log_mean_grad_variance',
    ...layerColumnsOf(shape),
    'stopped',
  ];
}

/**
 * A number as a cell: empty for no value (null, NaN: not evaluated, or the run had stopped),
 * `Infinity` / `-Infinity` for the infinities (−∞: the log of a variance of exactly 0), else
 * JavaScript's shortest round-trip decimal.
 */
export function resultsCell(value: number | null): string {
  if (value === null || Number.isNaN(value)) return '';
  return String(value);
}

/** A string cell, quoted (RFC 4180) when it holds a comma, a quote or a line break. */
function textCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The CSV of a results table: the header of `shape`, then one line per row in the given order.
 * A row's layer values fill its depth's columns; the columns of deeper cells stay empty.
 * @throws Error when a row's depth has more variance layers than it carries values for
 */
export function resultsCsv(shape: ResultsShape, rows: readonly ResultsRow[]): string {
  const header = resultsColumns(shape);
  const layerColumns = layerColumnsOf(shape);
  const lines = [header.join(',')];
  for (const row of rows) {
    const own = varianceLayerColumns(shape.task, row.depth);
    if (row.layerLogGradVariance.length < own.length) {
      throw new Error(`results row of ${row.estimator} seed ${row.seed}: ${row.layerLogGradVariance.length} layer variances for ${own.length} layers`);
    }
    const byName = new Map(own.map((name, i) => [name, row.stopped ? null : row.layerLogGradVariance[i]] as const));
    const metric = (v: number | null): string => resultsCell(row.stopped ? null : v);
    const scores = shape.task === 'vae' ? [metric(row.train), metric(row.test), resultsCell(row.testK)] : [metric(row.train), metric(row.test)];
    lines.push(
      [
        ...(shape.categorical ? [resultsCell(row.categories)] : []),
        String(row.depth),
        textCell(row.estimator),
        String(row.seed),
        String(row.update),
        String(row.epoch),
        ...scores,
        metric(row.logMeanGradVariance),
        ...layerColumns.map((name) => resultsCell(byName.get(name) ?? null)),
        row.stopped ? '1' : '0',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
