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

/** WCAG relative luminance of an sRGB colour given as 0..255 channels. */
function luminance([r, g, b]: readonly number[]): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of a colour ("#rrggbb" or "rgb(r,g,b)") against white (1..21). */
export function contrastOnWhite(color: string): number {
  return 1.05 / (luminance(channels(color)) + 0.05);
}

/** The 0..255 channels of "#rrggbb", "#rgb" or "rgb(r,g,b)". @throws Error on any other form */
function channels(color: string): number[] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (hex) return hex.slice(1).map((h) => parseInt(h, 16));
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(color);
  if (short) return short.slice(1).map((h) => parseInt(h + h, 16));
  const rgb = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(color);
  if (rgb) return rgb.slice(1).map(Number);
  throw new Error(`palette: not a #rrggbb, #rgb or rgb() colour: ${color}`);
}

/**
 * The colour darkened just enough for text on white (contrast ≥ 4.5, WCAG AA): an estimator's
 * name written in its colour stays recognisable and readable (the Okabe–Ito orange and
 * vermillion are 2.2 and 3.9 on white).
 */
export function readableOnWhite(color: string): string {
  const base = channels(color);
  let scale = 1;
  let rgb = base;
  while (contrastOnWhite(`rgb(${rgb.join(',')})`) < 4.5 && scale > 0) {
    scale -= 0.02;
    rgb = base.map((c) => Math.round(c * scale));
  }
  return scale === 1 ? color : `rgb(${rgb.join(',')})`;
}

/** An estimator's colour for text on white (readableOnWhite of its chart colour). */
export function estimatorTextColor(estimator: EstimatorId): string {
  return readableOnWhite(estimatorColor(estimator));
}
