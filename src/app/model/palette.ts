// One colour per estimator of either task, used by every chart, legend and view: the Okabe–Ito
// colour-blind-safe palette (an estimator and its counterpart in the other task share a colour:
// HNCA and f-HNCA, HNCA + baseline and f-HNCA + baseline; the ablations are shades of that green).
import type { EstimatorId } from '../../engine/types.ts';

export const ESTIMATOR_COLORS: Record<EstimatorId, string> = {
  hnca: '#0072B2', // blue
  'hnca-baseline': '#009E73', // bluish green
  reinforce: '#D55E00', // vermillion
  'reinforce-baseline': '#E69F00', // orange
  fhnca: '#0072B2', // blue, as HNCA
  'fhnca-baseline': '#009E73', // bluish green, as HNCA + baseline
  'fhnca-baseline-all-children': '#5b8c2a', // olive green (appendix-K ablation)
  'fhnca-baseline-full-reward': '#00575a', // dark teal (appendix-K ablation)
  'fhnca-baseline-all-children-full-reward': '#7a7a7a', // grey (both ablations)
  'reinforce-loo': '#CC79A7', // reddish purple
  disarm: '#56B4E9', // sky blue
};

/** The colour of any estimator id: the bandit palette above, grey for an id without a colour of its own. */
export function estimatorColor(estimator: EstimatorId): string {
  const colors: Readonly<Partial<Record<EstimatorId, string>>> = ESTIMATOR_COLORS;
  return colors[estimator] ?? '#555555';
}

/** Sequential colour for a probability in [0, 1] (dark blue → yellow, readable by colour-blind viewers). */
export function probabilityColor(p: number): string {
  const t = Math.min(1, Math.max(0, Number.isFinite(p) ? p : 0));
  // interpolate between #1b2a4a (dark navy) and #f0e442 (Okabe–Ito yellow)
  const r = Math.round(27 + (240 - 27) * t);
  const g = Math.round(42 + (228 - 42) * t);
  const b = Math.round(74 + (66 - 74) * t);
  return `rgb(${r},${g},${b})`;
}

/** Diverging colour for a signed value scaled by `scale`: orange (negative) ↔ white ↔ blue (positive). */
export function divergingColor(value: number, scale: number): string {
  const t = scale > 0 && Number.isFinite(value) ? Math.max(-1, Math.min(1, value / scale)) : 0;
  const [r, g, b] = t >= 0 ? [0, 114, 178] : [213, 94, 0];
  const a = Math.abs(t);
  const mix = (c: number): number => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}
