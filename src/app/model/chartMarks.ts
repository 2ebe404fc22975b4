// What a chart draws besides its rows: line styles, horizontal markers (the paper's values)
// and vertical markers (where a run stopped). Plain data shared by the chart components, so
// that none of them imports another for a type.
import type { EstimatorId, RunSpec } from '../../engine/types.ts';
import type { RunFailure } from '../../worker/protocol.ts';
import { estimatorLabel } from './config.ts';

/** How one metric is drawn for every estimator. */
export interface ChartLineStyle {
  /** series name (see chartSeries.ts) */
  name: string;
  label: string;
  /** SVG stroke-dasharray, e.g. "6 4"; solid when absent */
  dash?: string;
  /**
   * a dot at every value: for sparse series (test evaluations), whose first value alone draws no
   * line (the VAE's test bound comes every quarter epoch: for minutes it was in the table, not on the chart)
   */
  dots?: boolean;
}

/** A horizontal line at value `y` (e.g. the paper's final accuracy of one estimator). */
export interface HorizontalMarker {
  y: number;
  color: string;
  label: string;
  /** SVG stroke-dasharray; dotted ("2 4") when absent */
  dash?: string;
  /** false: the line is drawn but its label is not listed in the chart's key (it is said elsewhere, e.g. in the chart's note) */
  labelOnLine?: boolean;
}

/** A vertical line at fractional epoch `x` (e.g. where a run stopped). */
export interface VerticalMarker {
  x: number;
  label: string;
}

/** What every training chart shows: the runs, the estimators among them, the layer count, whether to draw seed bands. */
export interface ChartContext {
  runs: readonly RunSpec[];
  estimators: EstimatorId[];
  layers: number;
  bands: boolean;
  /** what an empty chart says over its plot (emptyChartText) */
  emptyText: string;
  /** the x axis end every chart of the panel covers (the latest point's epoch, rounded up to a round tick): side-by-side charts share it */
  xMax: number;
  /** the EMA weight of the past the curves are smoothed with (SMOOTHING_LEVELS; 0: off) */
  smoothing: number;
  /** the gradient-variance metric is measured on every varianceEvery-th update (EngineReady.varianceEvery) */
  varianceEvery: number;
  /** why the variance charts have no points (varianceNoteFor: a batch of one), null when they have */
  varianceNote: string | null;
}

/**
 * The variance charts' note for batch size `batch`: the gradient variance over a batch of one
 * example is undefined (docs/math.md §4: the spread of the per-example gradients within a batch;
 * one example has none), so those points are left out and said as such instead of a log of
 * rounding noise. Null for larger batches.
 */
export function varianceNoteFor(batch: number): string | null {
  return batch === 1 ? 'Gradient variance is undefined for a batch of 1 (one example per update has no spread within the batch): no variance points while batch = 1.' : null;
}

/**
 * The line over an empty chart (no metric point yet): what will appear and when. `updatesPerPoint`:
 * the worker's updates between two metric points (EngineReady), undefined before the engine is ready.
 */
export function emptyChartText(updatesPerPoint: number | undefined): string {
  return updatesPerPoint === undefined
    ? 'No data yet: each estimator’s line starts at its first metric point after Play'
    : `No data yet: each estimator’s line starts at the first metric point, after update ${updatesPerPoint}`;
}

/** One vertical marker per failed run, at the epoch it stopped, labelled with the run and the failure. */
export function failureMarkers(failures: readonly RunFailure[], runs: readonly RunSpec[]): VerticalMarker[] {
  return failures.map((f) => {
    const run = runs[f.run];
    return { x: f.epoch, label: `${run ? `${estimatorLabel(run.estimator)} seed ${run.seed}` : `run ${f.run}`} stopped: ${f.failure}` };
  });
}

/**
 * The extent of some values, padded by 5% on each side (a flat series gets ±0.5); non-finite
 * values are skipped (−∞ is drawn at the bottom edge instead); null when none is finite.
 */
export function paddedExtent(values: Iterable<number>): [number, number] | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return null;
  if (min === max) return [min - 0.5, max + 0.5];
  const pad = (max - min) * 0.05;
  return [min - pad, max + pad];
}
