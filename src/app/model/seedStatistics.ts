// Mean and 95% confidence band over seeds (Student's t, since there are at most a few seeds).

/** Two-sided 97.5% quantiles of Student's t for 1..10 degrees of freedom. */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

export interface MeanBand {
  mean: number;
  /** 95% confidence interval of the mean; equal to the mean with one finite value */
  low: number;
  high: number;
  /** how many finite values went in */
  n: number;
}

/**
 * Mean and 95% band of the values that are not NaN (NaN: a run that stopped); null when there
 * are none. An infinite value is a value (−∞ is the log of a gradient variance of exactly 0):
 * the mean is then infinite too and the band collapses onto it.
 */
export function meanBand(values: readonly number[]): MeanBand | null {
  const finite = values.filter((v) => !Number.isNaN(v));
  const n = finite.length;
  if (n === 0) return null;
  const mean = finite.reduce((s, v) => s + v, 0) / n;
  if (n === 1 || !Number.isFinite(mean)) return { mean, low: mean, high: mean, n };
  const variance = finite.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const t = T_975[Math.min(n - 1, T_975.length) - 1] ?? 1.96;
  const half = t * Math.sqrt(variance / n);
  return { mean, low: mean - half, high: mean + half, n };
}

/** A run that stopped on a non-finite value (the worker's RunFailure, or any record with these fields). */
export interface StoppedRun {
  run: number;
  failure: string;
}

/**
 * "stopped k/N (first reason)" for the runs `runIndices` of one estimator, or '' when none
 * stopped: every mean and band over those runs leaves the stopped ones out and says so with
 * this line (the same wording as the CLI's report, src/cli/report.ts stoppedSummary).
 */
export function stoppedSummary(failures: readonly StoppedRun[], runIndices: readonly number[]): string {
  const stopped = failures.filter((f) => runIndices.includes(f.run));
  const count = new Set(stopped.map((f) => f.run)).size;
  if (count === 0) return '';
  return `stopped ${count}/${runIndices.length} (${stopped[0].failure})`;
}
