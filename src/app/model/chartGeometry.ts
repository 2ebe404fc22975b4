// Geometry of the live line charts, pure: scales, "nice" ticks, SVG paths of lines and bands
// (gaps where a value is missing), nearest row for hover.

export type Scale = (value: number) => number;

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** About `count` round tick values covering [min, max] (steps of 1, 2 or 5 × 10^k). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max <= min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const steps = [1, 2, 5, 10].map((m) => m * power);
  const step = steps.reduce((best, s) => (Math.abs((max - min) / s - count) < Math.abs((max - min) / best - count) ? s : best));
  const first = Math.ceil(min / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return ticks;
}

/** The data extent of some values, padded by 5% (a flat series gets ±0.5). */
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

function fmt(v: number): string {
  return v.toFixed(1);
}

/** A polyline through the points whose y is a finite number; missing values are skipped (joined over). */
export function linePath(xs: readonly number[], ys: readonly (number | null)[], x: Scale, y: Scale): string {
  let path = '';
  for (let i = 0; i < xs.length; i++) {
    const v = ys[i];
    if (v === null || !Number.isFinite(v)) continue;
    path += `${path === '' ? 'M' : 'L'}${fmt(x(xs[i]))},${fmt(y(v))}`;
  }
  return path;
}

/** A closed band between low and high over the rows that have one (one polygon per contiguous run). */
export function bandPath(xs: readonly number[], bands: readonly ([number, number] | null)[], x: Scale, y: Scale): string {
  let path = '';
  let run: number[] = [];
  const flush = (): void => {
    if (run.length >= 2) {
      const top = run.map((i, k) => `${k === 0 ? 'M' : 'L'}${fmt(x(xs[i]))},${fmt(y((bands[i] as [number, number])[1]))}`).join('');
      const bottom = [...run].reverse().map((i) => `L${fmt(x(xs[i]))},${fmt(y((bands[i] as [number, number])[0]))}`).join('');
      path += `${top}${bottom}Z`;
    }
    run = [];
  };
  for (let i = 0; i < xs.length; i++) {
    const b = bands[i];
    if (b && Number.isFinite(b[0]) && Number.isFinite(b[1])) run.push(i);
    else flush();
  }
  flush();
  return path;
}

/** Index of the value in an ascending list closest to `target` (-1 for an empty list). */
export function nearestIndex(sorted: readonly number[], target: number): number {
  if (sorted.length === 0) return -1;
  let lo = 0;
  let hi = sorted.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= target) lo = mid;
    else hi = mid;
  }
  return Math.abs(sorted[lo] - target) <= Math.abs(sorted[hi] - target) ? lo : hi;
}
