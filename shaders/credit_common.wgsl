// rho(1) - rho(0) = (Q1 - Q0) / (p Q1 + (1 - p) Q0) from D = log Q0 - log Q1 (DESIGN.md §2),
// in the form that cannot overflow for the sign of D (src/models/bandit/messages.ts rhoDifference).
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
