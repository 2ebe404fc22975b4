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
