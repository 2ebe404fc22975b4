// Bernoulli stochastic units (docs/math.md §2, §3): the scalar math every model and the WGSL
// kernels share (shaders/bernoulli_units.wgsl mirrors each function under the same name).
// Every log is natural (nats).
import type { HiddenValues } from '../../engine/types.ts';
import type { StochasticUnits } from './types.ts';

/** Lower clip of a Bernoulli probability: p = clip(sigmoid(u), PROB_MIN, PROB_MAX) (docs/math.md §2). */
export const PROB_MIN = 1e-5;
/** Upper clip of a Bernoulli probability. */
export const PROB_MAX = 1 - 1e-5;
/** |u| beyond which clip(sigmoid(u)) differs from sigmoid(u): log((1 − 1e-5)/1e-5) ≈ 11.5129. */
export const LOGIT_CLIP = Math.log(PROB_MAX / PROB_MIN);

/** p = clip(sigmoid(u), 1e-5, 1 − 1e-5) of a logit u (docs/math.md §2); never throws. */
export function clippedSigmoid(u: number): number {
  const p = 1 / (1 + Math.exp(-u));
  return p < PROB_MIN ? PROB_MIN : p > PROB_MAX ? PROB_MAX : p;
}

/** clamp(u, ±LOGIT_CLIP): sigmoid of it equals clippedSigmoid(u) up to rounding (docs/math.md §3 encoder). */
export function clampLogit(u: number): number {
  return u > LOGIT_CLIP ? LOGIT_CLIP : u < -LOGIT_CLIP ? -LOGIT_CLIP : u;
}

/** sigmoid(z) = 1/(1 + e^−z), without overflow for either sign. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log sigmoid(z) in nats, stable for any finite z (= −softplus(−z)). */
export function logSigmoid(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}

/** softplus(x) = log(1 + e^x) in nats, stable for any finite x. */
export function softplus(x: number): number {
  return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Entropy (nats) of Bernoulli(sigmoid(z)). */
export function bernoulliEntropy(z: number): number {
  return -(sigmoid(z) * logSigmoid(z) + sigmoid(-z) * logSigmoid(-z));
}

/** −log of the clipped probability of a sampled value (docs/math.md §2): clip(softplus(x), −log PROB_MAX, −log PROB_MIN). */
const SURPRISE_MIN = -Math.log(PROB_MAX);
const SURPRISE_MAX = -Math.log(PROB_MIN);

/**
 * Surprise (nats) of a clipped Bernoulli child's sampled value, from x = −s·u (s = 2φ − 1, u the
 * child's logit): −log clip(sigmoid(s·u)) = clip(softplus(x)). Finite for every finite x.
 */
export function childSurprise(x: number): number {
  const f = softplus(x);
  return f < SURPRISE_MIN ? SURPRISE_MIN : f > SURPRISE_MAX ? SURPRISE_MAX : f;
}

/** |x| beyond which childSurprise clamps (within 1e-5 of both clip points; as in the WGSL twin). */
const CLIP_X = 11.5129;

/**
 * childSurprise(x + d) − childSurprise(x) (nats) without forming x + d where it matters: with
 * σ = sigmoid, softplus(x + d) − softplus(x) = log1p(σ(x) expm1(d)) = d + log1p(σ(−x) expm1(−d)),
 * taking the form whose σ is at most 1/2. `surprise` is childSurprise(x). Finite for finite x, d.
 */
export function surpriseChange(x: number, d: number, surprise: number): number {
  const shifted = x + d;
  if (Math.abs(x) >= CLIP_X || Math.abs(shifted) >= CLIP_X) return childSurprise(shifted) - surprise;
  if (x > 0) return d + Math.log1p(Math.expm1(-d) / (1 + Math.exp(x)));
  return Math.log1p(Math.expm1(d) / (1 + Math.exp(-x)));
}

/**
 * HNCA credit rho(1) − rho(0) = (Q1 − Q0)/(p Q1 + (1 − p) Q0) of a unit with probability p
 * from D = log Q0 − log Q1 (nats; docs/math.md §2), in the form that cannot overflow for the
 * sign of D. Finite for every p in [PROB_MIN, PROB_MAX] and every D, ±Infinity included.
 */
export function rhoDifference(p: number, d: number): number {
  if (d <= 0) {
    const e = Math.exp(d);
    return (1 - e) / (p + (1 - p) * e);
  }
  const e = Math.exp(-d);
  return (e - 1) / (p * e + (1 - p));
}

/**
 * rho(1) and rho(0) of a unit with p = P(φ = 1), q = 1 − p, from D = log Q0 − log Q1 (docs/math.md
 * §2, §3), in the form that does not overflow for the sign of D. Writes [rho1, rho0] into out[0..2).
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

/**
 * φ = [draw < p] (docs/math.md §2): 1 with probability p for a uniform draw in [0, 1). The bandit compares against the
 * float32 probability (as the WGSL kernel does), the VAE against the float64 one.
 */
export function sampleBernoulli(p: number, draw: number): 0 | 1 {
  return draw < p ? 1 : 0;
}

/** HNCA signal of a Bernoulli unit per logit (docs/math.md §2): S = R p (1 − p)(rho(1) − rho(0)). */
export function hncaSignal(learningSignal: number, p: number, credit: number): number {
  return learningSignal * p * (1 - p) * credit;
}

/** REINFORCE signal of a Bernoulli unit per logit (docs/math.md §2): S = R (φ − p). */
export function reinforceSignal(learningSignal: number, phi: number, p: number): number {
  return learningSignal * (phi - p);
}

/**
 * Bernoulli units with a value encoding: ±1 (`pm1`, the value passed on is 2φ − 1) or 0/1
 * (`01`). Value index v ∈ {0, 1} is φ. One logit per unit, one output per unit.
 */
export class BernoulliUnits implements StochasticUnits {
  readonly valueCount = 2;
  readonly logitsPerUnit = 1;
  readonly outputsPerUnit = 1;
  /** |v − h| of a flip: 2 for ±1 values, 1 for 0/1 */
  readonly flipMagnitude: number;
  constructor(readonly encoding: HiddenValues) {
    this.flipMagnitude = encoding === 'pm1' ? 2 : 1;
  }
  /** The value passed on to children for φ: 2φ − 1 (±1) or φ (0/1). */
  output(phi: number): number {
    return this.encoding === 'pm1' ? 2 * phi - 1 : phi;
  }
  /**
   * Counterfactual change of the unit's output when forced from φ to the other value
   * (docs/math.md §2 "Messages"): −magnitude when φ = 1, +magnitude when φ = 0. A child c's
   * logit changes by W[j, c] times this.
   */
  flipShift(phi: number): number {
    return phi === 1 ? -this.flipMagnitude : this.flipMagnitude;
  }
  sample(logits: ArrayLike<number>, at: number, uniform: number): number {
    return sampleBernoulli(clippedSigmoid(logits[at]), uniform);
  }
  logProb(logits: ArrayLike<number>, at: number, value: number): number {
    const p = clippedSigmoid(logits[at]);
    return Math.log(value === 1 ? p : 1 - p);
  }
  outputChange(actual: number, alternative: number, out: Float64Array, at: number): void {
    out[at] = actual === alternative ? 0 : this.flipShift(actual);
  }
  hncaSignals(learningSignal: number, logits: ArrayLike<number>, at: number, logQ: ArrayLike<number>, out: Float64Array, outAt: number): void {
    const p = clippedSigmoid(logits[at]);
    out[outAt] = hncaSignal(learningSignal, p, rhoDifference(p, logQ[0] - logQ[1]));
  }
  reinforceSignals(learningSignal: number, logits: ArrayLike<number>, at: number, actual: number, out: Float64Array, outAt: number): void {
    out[outAt] = reinforceSignal(learningSignal, actual, clippedSigmoid(logits[at]));
  }
}
