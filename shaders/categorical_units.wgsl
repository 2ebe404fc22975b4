// Categorical (N-way softmax) stochastic units (docs/math.md §7.1, the paper's appendix D): the WGSL
// twin of src/models/units/categorical.ts (and of softmax.ts's logSumExp), function for function
// under the same names (tests/units-wgsl.test.ts compares each pair). A unit's N values live in a
// private array of MAX_CATEGORIES entries, of which the first n are used. Every log is natural.

// MAX_CATEGORIES, the most values of a unit, is generated from src/engine/types.ts
// (src/backends/webgpu/kernels/constants.ts).

/** One unit's N entries (logits, probabilities, log Q, posterior), first n used. */
alias Categories = array<f32, MAX_CATEGORIES>;

/** log Σ_{k<n} exp(x_k) of finite entries, shifted by the maximum (softmax.ts logSumExp). */
fn logSumExp(x: ptr<function, Categories>, n: u32) -> f32 {
  var m = (*x)[0];
  for (var k = 1u; k < n; k++) {
    m = max(m, (*x)[k]);
  }
  var sum = 0.0;
  for (var k = 0u; k < n; k++) {
    sum += exp((*x)[k] - m);
  }
  return m + log(sum);
}

/** pi = softmax(logits) of the first n entries into `prob`, shifted by the maximum. */
fn categoricalSoftmax(logits: ptr<function, Categories>, n: u32, prob: ptr<function, Categories>) {
  let lse = logSumExp(logits, n);
  for (var k = 0u; k < n; k++) {
    (*prob)[k] = exp((*logits)[k] - lse);
  }
}

/**
 * The value index drawn by inverse CDF from prob[0..n) with one uniform in [0, 1): the first v
 * with draw < Σ_{k<=v} prob[k]; the last value when rounding leaves the sum below the draw.
 */
fn sampleCategorical(prob: ptr<function, Categories>, n: u32, draw: f32) -> u32 {
  var cumulative = 0.0;
  for (var k = 0u; k < n; k++) {
    cumulative += (*prob)[k];
    if (draw < cumulative) {
      return k;
    }
  }
  return n - 1u;
}

/**
 * The hindsight posterior post(v) = pi(v) rho(v) = exp(log pi_v + log Q_v - L),
 * L = logsumexp_v(log pi_v + log Q_v) (docs/math.md §7.1): each entry in [0, 1], their sum 1,
 * finite for any finite logits and log Q (log Q may be shifted by any common constant).
 */
fn hindsightPosterior(logits: ptr<function, Categories>, n: u32, logQ: ptr<function, Categories>, out: ptr<function, Categories>) {
  let lse = logSumExp(logits, n);
  var joint: Categories;
  for (var v = 0u; v < n; v++) {
    joint[v] = (*logits)[v] - lse + (*logQ)[v];
  }
  let l = logSumExp(&joint, n);
  for (var v = 0u; v < n; v++) {
    (*out)[v] = exp(joint[v] - l);
  }
}

/** HNCA signal of logit k (docs/math.md §7.1): S_k = R pi_k (rho(k) - 1) = R (post(k) - pi_k). */
fn categoricalHncaSignal(learningSignal: f32, prob: f32, posterior: f32) -> f32 {
  return learningSignal * (posterior - prob);
}

/** REINFORCE signal of logit k (docs/math.md §7.1): S_k = R (1[φ = k] - pi_k); indicator = 1[φ = k] as 0.0 / 1.0. */
fn categoricalReinforceSignal(learningSignal: f32, prob: f32, indicator: f32) -> f32 {
  return learningSignal * (indicator - prob);
}
