// Categorical (N-way softmax) stochastic units (docs/math.md §7.1, the paper's appendix D): the
// scalar math the bandit's categorical layers share. Log domain throughout: every probability
// comes from a shifted logsumexp, every credit from logsumexp over the unit's values, so any
// finite logits and children's log-probabilities give finite signals. Every log is natural (nats).
import type { StochasticUnits } from './types.ts';
import { logSumExp } from './softmax.ts';

/**
 * The value index drawn by inverse CDF from probabilities prob[at..at + n) with one uniform in
 * [0, 1): the first v with u < Σ_{k ≤ v} prob[at + k]; the last value when rounding leaves the
 * cumulative sum below u. The same cumulative order as the bandit's action sampling.
 */
export function sampleCategorical(prob: ArrayLike<number>, at: number, n: number, uniform: number): number {
  let cumulative = 0;
  for (let k = 0; k < n; k++) {
    cumulative += prob[at + k];
    if (uniform < cumulative) return k;
  }
  return n - 1;
}

/**
 * The hindsight posterior of one categorical unit (docs/math.md §7.1): post(v) = pi(v) rho(v) =
 * pi(v)Q(v)/Σ_v' pi(v')Q(v'), the probability of value v given the children's sampled values,
 * computed as exp(log pi_v + log Q_v − L), L = logsumexp_v(log pi_v + log Q_v): each entry in
 * [0, 1], their sum 1, finite for any finite logits and log Q (even where pi_v underflows to 0
 * and rho(v) would overflow). `logits` [.., n] at `at`; `logQ` [n] log Q(v) in nats; `logPi`
 * an n-entry scratch (left holding log pi). Writes n entries at out[outAt..]. Never throws.
 */
export function hindsightPosterior(logits: ArrayLike<number>, at: number, n: number, logQ: ArrayLike<number>, logPi: Float64Array, out: Float64Array, outAt: number): void {
  const lse = logSumExp(logits, at, n);
  let max = -Infinity;
  for (let v = 0; v < n; v++) {
    logPi[v] = logits[at + v] - lse;
    max = Math.max(max, logPi[v] + logQ[v]);
  }
  let sum = 0;
  for (let v = 0; v < n; v++) sum += Math.exp(logPi[v] + logQ[v] - max);
  const l = max + Math.log(sum);
  for (let v = 0; v < n; v++) out[outAt + v] = Math.exp(logPi[v] + logQ[v] - l);
}

/**
 * HNCA signals of one categorical unit per logit k (docs/math.md §7.1): S_k = R pi_k (rho(k) − 1)
 * = R (post(k) − pi_k), from its hindsight posterior post [n] at posterior[at..] and its
 * probabilities pi at prob[at..]: REINFORCE with the one-hot sample replaced by the posterior.
 * Writes n signals at out[at..].
 */
export function categoricalHncaSignals(learningSignal: number, prob: ArrayLike<number>, posterior: ArrayLike<number>, at: number, n: number, out: Float64Array): void {
  for (let k = 0; k < n; k++) out[at + k] = learningSignal * (posterior[at + k] - prob[at + k]);
}

/** REINFORCE signals of one categorical unit per logit k (docs/math.md §7.1): S_k = R (1[φ = k] − pi_k), pi from prob[at..at + n). */
export function categoricalReinforceSignals(learningSignal: number, prob: ArrayLike<number>, at: number, n: number, phi: number, out: Float64Array, outAt: number): void {
  for (let k = 0; k < n; k++) out[outAt + k] = learningSignal * ((k === phi ? 1 : 0) - prob[at + k]);
}

/**
 * Categorical units with N values (docs/math.md §7.1): N logits per unit, value index v ∈ 0..N−1,
 * output the one-hot vector e_v (N entries; the bandit's next layer reads it centered, e_v − 1/N). The contract's per-unit view; the bandit's batched
 * loops call the functions above directly.
 */
export class CategoricalUnits implements StochasticUnits {
  readonly valueCount: number;
  readonly logitsPerUnit: number;
  readonly outputsPerUnit: number;
  private readonly prob: Float64Array;
  private readonly logPi: Float64Array;
  private readonly posterior: Float64Array;
  /**
   * @param categories N, the number of values (docs/math.md §7.1: 2..10)
   * @throws RangeError when N is not an integer ≥ 2
   */
  constructor(readonly categories: number) {
    if (!Number.isInteger(categories) || categories < 2) throw new RangeError(`a categorical unit needs an integer N ≥ 2 values, got ${categories}`);
    this.valueCount = categories;
    this.logitsPerUnit = categories;
    this.outputsPerUnit = categories;
    this.prob = new Float64Array(categories);
    this.logPi = new Float64Array(categories);
    this.posterior = new Float64Array(categories);
  }
  /** pi = softmax(logits[at..at + N)) into this.prob (shifted by the maximum). */
  private softmax(logits: ArrayLike<number>, at: number): Float64Array {
    const lse = logSumExp(logits, at, this.categories);
    for (let v = 0; v < this.categories; v++) this.prob[v] = Math.exp(logits[at + v] - lse);
    return this.prob;
  }
  sample(logits: ArrayLike<number>, at: number, uniform: number): number {
    return sampleCategorical(this.softmax(logits, at), 0, this.categories, uniform);
  }
  logProb(logits: ArrayLike<number>, at: number, value: number): number {
    return logits[at + value] - logSumExp(logits, at, this.categories);
  }
  /** e_alternative − e_actual: +1 at the alternative, −1 at the actual value (all zero when equal). */
  outputChange(actual: number, alternative: number, out: Float64Array, at: number): void {
    for (let v = 0; v < this.categories; v++) out[at + v] = (v === alternative ? 1 : 0) - (v === actual ? 1 : 0);
  }
  hncaSignals(learningSignal: number, logits: ArrayLike<number>, at: number, logQ: ArrayLike<number>, out: Float64Array, outAt: number): void {
    const posterior = this.posterior;
    hindsightPosterior(logits, at, this.categories, logQ, this.logPi, posterior, 0);
    categoricalHncaSignals(learningSignal, this.softmax(logits, at), posterior, 0, this.categories, posterior);
    out.set(posterior, outAt);
  }
  reinforceSignals(learningSignal: number, logits: ArrayLike<number>, at: number, actual: number, out: Float64Array, outAt: number): void {
    categoricalReinforceSignals(learningSignal, this.softmax(logits, at), 0, this.categories, actual, out, outAt);
  }
}
