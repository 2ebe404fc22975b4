// Scalar helpers for Bernoulli units with logits.

/**
 * Encoder probabilities are clip(sigmoid(u), 1e-5, 1-1e-5) (DESIGN.md §2), which equals
 * sigmoid(clamp(u, ±LOGIT_CLIP)): sampling, log-probabilities and entropies all use the
 * clamped logit, so they agree. Decoder and prior log-probabilities are exact (unclipped).
 */
export const LOGIT_CLIP = Math.log((1 - 1e-5) / 1e-5);

export function clampLogit(u: number): number {
  return u > LOGIT_CLIP ? LOGIT_CLIP : u < -LOGIT_CLIP ? -LOGIT_CLIP : u;
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log sigmoid(z), stable for any sign. */
export function logSigmoid(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}

/** Entropy of Bernoulli(sigmoid(z)). */
export function bernoulliEntropy(z: number): number {
  return -(sigmoid(z) * logSigmoid(z) + sigmoid(-z) * logSigmoid(-z));
}

/**
 * HNCA's rho(1) and rho(0) from p and D = log Q_0 - log Q_1 (DESIGN.md §2), in the form that
 * does not overflow for the sign of D. Writes [rho1, rho0] into out.
 */
export function rhoPair(p: number, q: number, d: number, out: Float64Array): void {
  if (d > 0) {
    const e = Math.exp(-d);
    const den = p * e + q;
    out[0] = e / den;
    out[1] = 1 / den;
  } else {
    const e = Math.exp(d);
    const den = p + q * e;
    out[0] = 1 / den;
    out[1] = e / den;
  }
}
