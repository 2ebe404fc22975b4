// One layer of stochastic units, whatever their kind (docs/math.md §2 Bernoulli, §7.1 categorical).
// The models' batched loops use the concrete kinds' scalar functions directly (for speed);
// this interface is the contract a new kind implements, and the exact enumeration tests
// exercise it per unit.

/**
 * What a model needs from a kind of stochastic unit. A unit has `logitsPerUnit` logits, takes
 * one of `valueCount` values (a value index 0..valueCount−1) and passes `outputsPerUnit`
 * numbers to its children (Bernoulli: 1 logit, 2 values, 1 output; categorical with N
 * values, docs/math.md §7.1: N logits, N values, an N-entry one-hot output). Arrays are a
 * layer's flat [batch, units · logitsPerUnit] logits; `at` is the unit's first logit.
 * Every log-probability is in nats.
 */
export interface StochasticUnits {
  readonly valueCount: number;
  readonly logitsPerUnit: number;
  readonly outputsPerUnit: number;
  /** The value index sampled from the unit's logits with one uniform in [0, 1) (inverse CDF). */
  sample(logits: ArrayLike<number>, at: number, uniform: number): number;
  /** log P(value | logits), nats (clipped probabilities for Bernoulli units). */
  logProb(logits: ArrayLike<number>, at: number, value: number): number;
  /**
   * Change of the unit's outputs when forced from `actual` to `alternative`: writes
   * outputsPerUnit entries at out[at..]; a child's logits change by its weights times these
   * (Bernoulli: W[j, c]·(v − h_j); categorical: the column difference of docs/math.md §7.1).
   */
  outputChange(actual: number, alternative: number, out: Float64Array, at: number): void;
  /**
   * HNCA learning signal per logit from the learning signal R and logQ[v] = log Q(v), the
   * children's log-probability with the unit forced to value v (valueCount entries, nats):
   * rho(v) = Q(v)/Σ_v' π(v')Q(v') computed in the log domain. Writes logitsPerUnit entries at out[outAt..].
   */
  hncaSignals(learningSignal: number, logits: ArrayLike<number>, at: number, logQ: ArrayLike<number>, out: Float64Array, outAt: number): void;
  /** REINFORCE signal per logit: R (1[actual = k] − π_k). Writes logitsPerUnit entries at out[outAt..]. */
  reinforceSignals(learningSignal: number, logits: ArrayLike<number>, at: number, actual: number, out: Float64Array, outAt: number): void;
}
