// Chart data of the exact-gradient lab: histograms on a shared axis, running means
// (downsampled) and per-parameter variance ratios.

export interface HistogramBin {
  x: number;
  count: number;
}

export interface Histograms {
  domain: [number, number];
  binWidth: number;
  bins: HistogramBin[][];
}

/** Histograms of several sample sets over one common domain that also contains `mark`. */
export function histograms(sets: readonly Float64Array[], mark: number, binCount = 30): Histograms {
  let lo = mark;
  let hi = mark;
  for (const s of sets)
    for (const v of s) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (hi - lo < 1e-9) {
    const pad = Math.max(Math.abs(lo), 1e-3) * 0.5;
    lo -= pad;
    hi += pad;
  }
  const binWidth = (hi - lo) / binCount;
  const bins = sets.map((s) => {
    const counts = new Array<number>(binCount).fill(0);
    for (const v of s) counts[Math.min(binCount - 1, Math.floor((v - lo) / binWidth))]++;
    return counts.map((count, b) => ({ x: lo + (b + 0.5) * binWidth, count }));
  });
  return { domain: [lo, hi], binWidth, bins };
}

export type MeanRow = { k: number } & Record<string, number>;

/** Running means of each named series after k = 1 … n samples, at most `points` rows. */
export function runningMeans(series: Readonly<Record<string, Float64Array>>, points = 200): MeanRow[] {
  const names = Object.keys(series);
  const n = names.length ? series[names[0]].length : 0;
  const every = Math.max(1, Math.ceil(n / points));
  const sums = names.map(() => 0);
  const rows: MeanRow[] = [];
  for (let k = 0; k < n; k++) {
    names.forEach((name, r) => (sums[r] += series[name][k]));
    if ((k + 1) % every === 0 || k === n - 1) {
      const row: MeanRow = { k: k + 1 };
      names.forEach((name, r) => (row[name] = sums[r] / (k + 1)));
      rows.push(row);
    }
  }
  return rows;
}

/** Var(HNCA)/Var(REINFORCE), or null when REINFORCE's variance is (numerically) zero. */
export function varianceRatio(hnca: number, reinforce: number): number | null {
  return reinforce > 1e-14 && Number.isFinite(hnca) ? Math.max(RATIO_FLOOR, hnca / reinforce) : null;
}

/** Ratios are shown on a log axis from here: smaller ones (HNCA's variance ≈ 0) are drawn at the floor. */
export const RATIO_FLOOR = 1e-4;

/** |mean − exact| in standard errors (0 when both are exact up to rounding noise). */
export function zScore(mean: number, exact: number, standardError: number): number {
  const d = Math.abs(mean - exact);
  // below 1e-12 both are float64 rounding noise (e.g. HNCA on a unit that cannot matter)
  if (standardError < 1e-12) return d < 1e-12 ? 0 : Number.POSITIVE_INFINITY;
  return d / standardError;
}

/** What the lab's table shows for one estimator and the chosen parameter. */
export interface EstimatorRow {
  estimator: string;
  mean: number;
  standardError: number;
  /** |mean − exact| / SE */
  z: number;
  sampleVariance: number;
  exactVariance: number;
}

export interface SamplerView {
  count: number;
  mean(estimator: number, e: number): number;
  variance(estimator: number, e: number): number;
  standardError(estimator: number, e: number): number;
}

export function estimatorRows(names: readonly string[], sampler: SamplerView, exact: number, exactVariances: readonly Float64Array[], e: number): EstimatorRow[] {
  return names.map((estimator, r) => ({
    estimator,
    mean: sampler.mean(r, e),
    standardError: sampler.standardError(r, e),
    z: sampler.count > 1 ? zScore(sampler.mean(r, e), exact, sampler.standardError(r, e)) : Number.NaN,
    sampleVariance: sampler.variance(r, e),
    exactVariance: exactVariances[r][e],
  }));
}

export interface RatioRow {
  label: string;
  index: number;
  /** exact Var(HNCA)/Var(REINFORCE), without and with the baseline, and the sampled one (no baseline) */
  exact: number | null;
  exactBaseline: number | null;
  sampled: number | null;
}

/** Per parameter; estimator order [hnca, hnca-baseline, reinforce, reinforce-baseline]. */
export function ratioRows(labels: readonly string[], exactVariances: readonly Float64Array[], sampler: SamplerView): RatioRow[] {
  return labels.map((label, e) => ({
    label,
    index: e,
    exact: varianceRatio(exactVariances[0][e], exactVariances[2][e]),
    exactBaseline: varianceRatio(exactVariances[1][e], exactVariances[3][e]),
    sampled: sampler.count > 1 ? varianceRatio(sampler.variance(0, e), sampler.variance(2, e)) : null,
  }));
}
