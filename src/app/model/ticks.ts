// Round axis ticks for every chart: steps of 1, 2 or 5 times a power of ten, so that a class
// reads "0, 0.5, 1, 1.5" and "−16, −12, −8, −4" instead of "0, 0.35, 0.7, 1.05" or "−8.8, −9.6".
// Pure (no React, no recharts): the charts pass the result to their axes as domain and ticks.

/** An axis: its drawn range (from the first tick to the last) and its ticks, evenly spaced by `step`. */
export interface NiceAxis {
  domain: [number, number];
  ticks: number[];
  step: number;
}

/** The mantissas of a round step, smallest first (1, 2, 5 × 10^k). */
const MANTISSAS = [1, 2, 5, 10] as const;

/** Removes float noise from a multiple of `step` (0.30000000000000004 → 0.3). */
function clean(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const v = Number(value.toFixed(Math.min(20, decimals)));
  return v === 0 ? 0 : v; // no −0
}

/** The smallest round step (1, 2 or 5 × 10^k) that covers `span` in at most `maxIntervals` intervals. */
export function niceStep(span: number, maxIntervals: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, maxIntervals);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of MANTISSAS) {
    if (m * power >= raw * (1 - 1e-9)) return m * power;
  }
  return 10 * power;
}

/**
 * Round ticks covering [min, max]: the step is the smallest 1–2–5 step giving at most
 * `maxTicks` ticks, the domain runs from the multiple of the step at or below `min` to the one
 * at or above `max` (so the data never touches a non-round edge). A flat or empty range
 * ([v, v], or non-finite ends) is widened to the round unit around it.
 *
 * @param maxTicks at most this many ticks (≥ 2); 6 fits every chart of the playground
 * @returns domain, ticks (ascending, float noise removed) and step
 */
export function niceTicks(min: number, max: number, maxTicks = 6): NiceAxis {
  let lo = Number.isFinite(min) ? min : Number.isFinite(max) ? max : 0;
  let hi = Number.isFinite(max) ? max : lo;
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) {
    const unit = lo === 0 ? 1 : 10 ** Math.floor(Math.log10(Math.abs(lo)));
    lo -= unit / 2;
    hi += unit / 2;
  }
  const intervals = Math.max(1, Math.floor(maxTicks) - 1);
  let step = niceStep(hi - lo, intervals);
  // the rounded ends can need one interval more than the span: take the next step then
  for (let guard = 0; guard < 4; guard++) {
    const first = Math.floor(lo / step + 1e-9);
    const last = Math.ceil(hi / step - 1e-9);
    if (last - first <= intervals) {
      const ticks: number[] = [];
      for (let k = first; k <= last; k++) ticks.push(clean(k * step, step));
      return { domain: [ticks[0], ticks[ticks.length - 1]], ticks, step };
    }
    step = nextStep(step);
  }
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(clean(k * step, step));
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks, step };
}

/** The next round step after `step` (1 → 2 → 5 → 10 …). */
export function nextStep(step: number): number {
  const power = 10 ** Math.floor(Math.log10(step) + 1e-9);
  const m = Math.round(step / power);
  return m < 2 ? 2 * power : m < 5 ? 5 * power : 10 * power;
}

/** The ticks of an axis from 0 to at least `max` (the x axis of epochs): niceTicks(0, max), 0..1 before any data. */
export function niceAxisFromZero(max: number, maxTicks = 6): NiceAxis {
  return niceTicks(0, Number.isFinite(max) && max > 0 ? max : 1, maxTicks);
}
