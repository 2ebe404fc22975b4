// Bernoulli stochastic units (docs/math.md §2, §3): the WGSL twin of src/models/units/bernoulli.ts,
// function for function under the same names (tests/units-wgsl.test.ts compares each pair).
// Needs precise_math.wgsl. Every log is natural (nats).

const PROB_MIN: f32 = 1e-5;
const PROB_MAX: f32 = 0.99999;

/** p = clip(sigmoid(u), 1e-5, 1 - 1e-5) of a logit u (docs/math.md §2). */
fn clippedSigmoid(u: f32) -> f32 {
  return clamp(1.0 / (1.0 + exp(-u)), PROB_MIN, PROB_MAX);
}

/** φ = [draw < p] as 0.0 / 1.0, draw a uniform in [0, 1). */
fn sampleBernoulli(p: f32, draw: f32) -> f32 {
  if (draw < p) {
    return 1.0;
  }
  return 0.0;
}

/** HNCA signal per logit: S = R p (1 - p)(rho(1) - rho(0)). */
fn hncaSignal(learningSignal: f32, p: f32, credit: f32) -> f32 {
  return learningSignal * p * (1.0 - p) * credit;
}

/** REINFORCE signal per logit: S = R (φ - p). */
fn reinforceSignal(learningSignal: f32, phi: f32, p: f32) -> f32 {
  return learningSignal * (phi - p);
}

/**
 * rho(1) - rho(0) = (Q1 - Q0) / (p Q1 + (1 - p) Q0) from D = log Q0 - log Q1 (docs/math.md §2),
 * in the form that cannot overflow for the sign of D.
 */
fn rhoDifference(p: f32, d: f32) -> f32 {
  if (d <= 0.0) {
    return -expm1Precise(d) / (p + (1.0 - p) * exp(d));
  }
  let e = exp(-d);
  return expm1Precise(-d) / (p * e + (1.0 - p));
}

/** -log of a child's clipped probability of its sampled value, from x = -s·u: clip(softplus(x)). */
fn childSurprise(x: f32) -> f32 {
  // bounds: -log(1 - 1e-5) and -log(1e-5), the clip of every Bernoulli probability
  return clamp(softplus(x), 1.0000050000287e-5, 11.512925464970229);
}

/** |x| beyond which childSurprise clamps (within 1e-5 of both clip points). */
const CLIP_X: f32 = 11.5129;

/**
 * childSurprise(x + d) - childSurprise(x) without forming x + d where it matters: with
 * σ = sigmoid, softplus(x + d) - softplus(x) = log1p(σ(x) expm1(d)) = d + log1p(σ(-x) expm1(-d)),
 * taking the form whose σ is at most 1/2 (so the log1p argument stays above -1/2).
 * `surprise` is childSurprise(x), already computed.
 */
fn surpriseChange(x: f32, d: f32, surprise: f32) -> f32 {
  let shifted = x + d;
  if (abs(x) >= CLIP_X || abs(shifted) >= CLIP_X) {
    return childSurprise(shifted) - surprise;
  }
  if (x > 0.0) {
    return d + log1pPrecise(expm1Precise(-d) / (1.0 + exp(x)));
  }
  return log1pPrecise(expm1Precise(d) / (1.0 + exp(-x)));
}

/** |u| beyond which clip(sigmoid(u)) differs from sigmoid(u): log((1 - 1e-5)/1e-5). */
const LOGIT_CLIP: f32 = 11.512915464920228;

/** clamp(u, ±LOGIT_CLIP): sigmoid of it equals clippedSigmoid(u) up to rounding (docs/math.md §3 encoder). */
fn clampLogit(u: f32) -> f32 {
  return clamp(u, -LOGIT_CLIP, LOGIT_CLIP);
}

/** log sigmoid(z) in nats (= -softplus(-z)), finite for any finite z. */
fn logSigmoid(z: f32) -> f32 {
  return -softplus(-z);
}

/** Entropy (nats) of Bernoulli(sigmoid(z)). */
fn bernoulliEntropy(z: f32) -> f32 {
  let p = 1.0 / (1.0 + exp(-z));
  let q = 1.0 / (1.0 + exp(z));
  return -(p * logSigmoid(z) + q * logSigmoid(-z));
}

/**
 * (rho(1), rho(0)) of a unit with p = P(φ = 1), q = 1 - p, from D = log Q0 - log Q1
 * (docs/math.md §2, §3), in the form that does not overflow for the sign of D.
 */
fn rhoPair(p: f32, q: f32, d: f32) -> vec2f {
  if (d > 0.0) {
    let e = exp(-d);
    let den = p * e + q;
    return vec2f(e / den, 1.0 / den);
  }
  let e = exp(d);
  let den = p + q * e;
  return vec2f(1.0 / den, e / den);
}
