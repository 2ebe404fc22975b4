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
  /** false: the line is drawn unlabelled (its label is said elsewhere, e.g. in the chart's note) */
  labelOnLine?: boolean;
  /** where the label sits against the line (placeMarkerLabels); below it at the right when absent */
  labelPosition?: MarkerLabelPosition;
}

/**
 * A marker label's place, in recharts' terms for a horizontal line: insideTop* is just below the
 * line, insideBottom* just above it; *Left and *Right are the plot's ends.
 */
export type MarkerLabelPosition = 'insideTopRight' | 'insideTopLeft' | 'insideBottomRight' | 'insideBottomLeft';

/**
 * Places the labels of horizontal markers so that neighbours do not overlap: from the highest
 * line down, the ends alternate (right, left, …) and each label sits below its line, except that
 * of two lines closer than `close` (a fraction of `range`, the y extent drawn) the upper one's
 * label goes above its line, so two almost equal values (e.g. the paper's REINFORCE −6.02 printed
 * and REINFORCE + baseline −7.85 + ln 6 = −6.06) read apart.
 *
 * @param range the y extent of the chart (e.g. 1 for accuracy); the markers' own extent (at least 1) when absent
 * @returns the markers in their given order, each with its labelPosition
 */
export function placeMarkerLabels(markers: readonly HorizontalMarker[], range?: number, close = 0.05): HorizontalMarker[] {
  const ys = markers.map((m) => m.y);
  const extent = range ?? Math.max(1, Math.max(...ys) - Math.min(...ys));
  const order = markers.map((_, i) => i).sort((a, b) => markers[b].y - markers[a].y);
  const above = new Set<number>();
  for (let k = 1; k < order.length; k++) {
    if (markers[order[k - 1]].y - markers[order[k]].y < close * extent) above.add(order[k - 1]);
  }
  const placed = [...markers];
  order.forEach((index, rank) => {
    const side = rank % 2 === 0 ? 'Right' : 'Left';
    placed[index] = { ...markers[index], labelPosition: above.has(index) ? `insideBottom${side}` : `insideTop${side}` };
  });
  return placed;
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
