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
}

/** A horizontal line at value `y` (e.g. the paper's final accuracy of one estimator). */
export interface HorizontalMarker {
  y: number;
  color: string;
  label: string;
  /** SVG stroke-dasharray; dotted ("2 4") when absent */
  dash?: string;
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
