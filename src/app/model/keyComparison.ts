// The key comparison of a run, said in words on the charts while it trains: how much less noisy
// HNCA's gradient is than REINFORCE's (docs/math.md §4's metric), and how the two score, from
// the live metric points. Pure: the charts only render the sentence.
import { findEstimator } from '../../engine/estimators.ts';
import type { EstimatorId, RunSpec } from '../../engine/types.ts';
import type { MetricPoint, RunPoint } from '../../worker/protocol.ts';
import { estimatorLabel } from './config.ts';

/** The last metric points whose values are averaged (a window of about a twentieth of an epoch each): steadier than the last alone. */
export const COMPARISON_POINTS = 5;

/** Below this many nats the two variances are called about the same. */
const SAME_NATS = 0.1;

export interface KeyComparison {
  /** the estimator with the hindsight signal (HNCA, f-HNCA, …) and its rival (REINFORCE, …) */
  hnca: EstimatorId;
  rival: EstimatorId;
  /** ln variance of the rival minus that of HNCA, nats (positive: HNCA is less noisy), mean over the last points and seeds */
  nats: number;
  /** e^nats: how many times smaller HNCA's gradient variance is */
  factor: number;
  /** the latest score of each (bandit: test accuracy, else train; VAE: train ELBO), null when none yet */
  scores: { hnca: number | null; rival: number | null };
  /** the sentence a class reads */
  sentence: string;
}

/** Whether an estimator's learning signal is HNCA's (the bandit's HNCA, the VAE's f-HNCA and its variants). */
export function isHindsightEstimator(id: EstimatorId): boolean {
  const signal = findEstimator(id)?.signal;
  return signal?.bandit === 'hnca' || signal?.vae === 'fhnca';
}

/** "450", "12", "1.5": a factor to two significant figures, in words a class reads. */
export function formatFactor(factor: number): string {
  if (!Number.isFinite(factor)) return 'vastly';
  if (factor >= 1e6) return `${Number((factor / 1e6).toPrecision(2))} million`;
  return String(Number(factor.toPrecision(2)));
}

/** Mean of `value` over the runs of an estimator at the last `count` points that have it (finite values only); null when none. */
function recentMean(points: readonly MetricPoint[], indices: readonly number[], value: (r: RunPoint) => number | null, count: number): number | null {
  let sum = 0;
  let n = 0;
  let used = 0;
  for (let i = points.length - 1; i >= 0 && used < count; i--) {
    let found = false;
    for (const r of indices) {
      const v = points[i].runs[r] === undefined ? null : value(points[i].runs[r]);
      if (v !== null && Number.isFinite(v)) {
        sum += v;
        n++;
        found = true;
      }
    }
    if (found) used++;
  }
  return n > 0 ? sum / n : null;
}

/**
 * The key comparison of the runs so far: the first hindsight estimator (isHindsightEstimator)
 * against REINFORCE (else the first other estimator), their ln gradient variances (mean over the
 * last COMPARISON_POINTS points and the seeds) and their latest scores, as one sentence, e.g.
 * "HNCA’s gradient noise is about 450× smaller than REINFORCE’s (its log variance is 6.1 lower),
 * and its test accuracy is 0.84 against 0.56."
 *
 * @param task 'bandit' scores by accuracy (test when measured, else online train), 'vae' by the train ELBO (nats)
 * @returns null without both kinds of estimator, or before both have a finite variance
 */
export function keyComparison(points: readonly MetricPoint[], runs: readonly RunSpec[], estimators: readonly EstimatorId[], task: 'bandit' | 'vae'): KeyComparison | null {
  const hnca = estimators.find(isHindsightEstimator);
  const others = estimators.filter((e) => !isHindsightEstimator(e));
  const rival = others.includes('reinforce') ? 'reinforce' : others[0];
  if (hnca === undefined || rival === undefined) return null;
  const indices = (e: EstimatorId): number[] => runs.filter((r) => r.estimator === e).map((r) => r.index);
  const hVar = recentMean(points, indices(hnca), (r) => r.logVar, COMPARISON_POINTS);
  const rVar = recentMean(points, indices(rival), (r) => r.logVar, COMPARISON_POINTS);
  if (hVar === null || rVar === null) return null;
  const nats = rVar - hVar;
  const factor = Math.exp(Math.abs(nats));
  const score = (e: EstimatorId): number | null =>
    task === 'bandit' ? (recentMean(points, indices(e), (r) => r.test, 1) ?? recentMean(points, indices(e), (r) => r.train, 1)) : recentMean(points, indices(e), (r) => r.train, 1);
  const scores = { hnca: score(hnca), rival: score(rival) };
  const h = estimatorLabel(hnca);
  const o = estimatorLabel(rival);
  const gap = Math.abs(nats).toFixed(1);
  const what = task === 'vae' ? 'encoder-gradient noise' : 'gradient noise';
  const noise =
    Math.abs(nats) < SAME_NATS
      ? `${h}’s ${what} is about the same as ${o}’s (their log variances are within ${SAME_NATS})`
      : nats > 0
        ? `${h}’s ${what} is about ${formatFactor(factor)}× smaller than ${o}’s (its log variance is ${gap} lower)`
        : `${h}’s ${what} is about ${formatFactor(factor)}× larger than ${o}’s (its log variance is ${gap} higher)`;
  let result = '';
  if (scores.hnca !== null && scores.rival !== null) {
    const tested = task === 'bandit' && points.some((p) => p.tested);
    result =
      task === 'vae'
        ? `; its train ELBO is ${scores.hnca.toFixed(1)} against ${scores.rival.toFixed(1)} nats (higher is better)`
        : `; its ${tested ? 'test' : 'online train'} accuracy is ${scores.hnca.toFixed(2)} against ${scores.rival.toFixed(2)}`;
  }
  return { hnca, rival, nats, factor: Math.exp(nats), scores, sentence: `${noise}${result}.` };
}
