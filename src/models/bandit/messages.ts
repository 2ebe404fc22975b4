// HNCA's counterfactual messages (DESIGN.md §2). For parent j of a layer, forcing j to the
// other value shifts every child's logit by W[j,c]·Δ_j, with Δ_j = −2h_j (±1 values) or
// 1 − 2φ_j (0/1 values): negative when φ_j = 1, positive when φ_j = 0.
// Per update we tabulate exp(±|Δ|·W) once (independent of the batch), so a flipped child
// probability costs one multiply-add per (example, parent, child) edge and one log per
// (example, parent): no transcendental call per edge.
import { PROB_MAX, PROB_MIN } from './forward.ts';

/** A child's sampled-value probability is clip(sigmoid(s·u)) = 1/f with f clamped to these bounds. */
const FACTOR_MIN = 1 / PROB_MAX;
const FACTOR_MAX = 1 / PROB_MIN;
const T_MAX = 1e30;
const PRODUCT_RESCALE = 1e280;

/**
 * exp(+m·W) and exp(−m·W) of a weight matrix, m = |Δ| (2 for ±1 values, 1 for 0/1),
 * interleaved: entry 2e is exp(+m·W[e]), entry 2e+1 is exp(−m·W[e]).
 */
export class FlipTables {
  readonly table: Float64Array;
  constructor(size: number) {
    this.table = new Float64Array(2 * size);
  }
  fill(w: Float32Array, magnitude: number): void {
    const t = this.table;
    for (let e = 0; e < w.length; e++) {
      const x = Math.exp(magnitude * w[e]);
      t[2 * e] = x;
      t[2 * e + 1] = 1 / x;
    }
  }
}

/** rho(1) − rho(0) = (Q1 − Q0)/(p Q1 + (1−p) Q0) from D = log Q0 − log Q1, without overflow. */
export function rhoDifference(p: number, d: number): number {
  if (d <= 0) {
    const e = Math.exp(d);
    return (1 - e) / (p + (1 - p) * e);
  }
  const e = Math.exp(-d);
  return (e - 1) / (p * e + (1 - p));
}

/**
 * Credit rho(1) − rho(0) of every unit of a hidden layer whose children are the next
 * Bernoulli layer (logits childLogit, samples childSample). Writes batch × width values.
 * Also returns in logQActual[b] the children's actual log-probability.
 */
export function bernoulliChildrenCredit(
  prob: Float64Array,
  sample: Uint8Array,
  width: number,
  childLogit: Float64Array,
  childSample: Uint8Array,
  childWidth: number,
  tables: FlipTables,
  batch: number,
  credit: Float64Array,
  logQActual: Float64Array,
  childT: Float64Array,
  childSign: Int32Array,
): void {
  const table = tables.table;
  for (let b = 0; b < batch; b++) {
    const cBase = b * childWidth;
    // t_c = exp(−s_c u_c), s_c = ±1 the child's sampled sign; actual factor f_c = 1 + t_c.
    let logActual = 0;
    for (let c = 0; c < childWidth; c++) {
      const positive = childSample[cBase + c] === 1;
      const u = childLogit[cBase + c];
      let t = Math.exp(positive ? -u : u);
      if (t > T_MAX) t = T_MAX;
      childT[c] = t;
      childSign[c] = positive ? 1 : 0;
      let f = 1 + t;
      f = f < FACTOR_MIN ? FACTOR_MIN : f > FACTOR_MAX ? FACTOR_MAX : f;
      logActual -= Math.log(f);
    }
    logQActual[b] = logActual;
    const pBase = b * width;
    for (let j = 0; j < width; j++) {
      const fired = sample[pBase + j] === 1 ? 1 : 0;
      // Flipped factor: 1 + t_c·exp(−s_c·Δ_j·W[j,c]). Δ_j < 0 iff φ_j = 1, so the exponent
      // is −|Δ|W (table slot 1) when s_c = +1 and φ_j = 0, or s_c = −1 and φ_j = 1; else +|Δ|W.
      const row = 2 * j * childWidth;
      let product = 1;
      let logAcc = 0;
      for (let c = 0; c < childWidth; c++) {
        let f = 1 + childT[c] * table[row + 2 * c + (childSign[c] ^ fired)];
        f = f < FACTOR_MIN ? FACTOR_MIN : f > FACTOR_MAX ? FACTOR_MAX : f;
        product *= f;
        if (product > PRODUCT_RESCALE) {
          logAcc += Math.log(product);
          product = 1;
        }
      }
      const logFlipped = -(logAcc + Math.log(product));
      // D = log Q0 − log Q1
      const d = fired ? logFlipped - logActual : logActual - logFlipped;
      credit[pBase + j] = rhoDifference(prob[pBase + j], d);
    }
  }
}

/**
 * Credit of the last hidden layer, whose only child is the softmax output: flipping parent j
 * gives log π'(a) = z_a + V[j,a]Δ_j − logsumexp(z + V[j,:]Δ_j), with exp(z_k − max z)
 * computed once per example and exp(±|Δ|V) from the tables.
 */
export function softmaxChildCredit(
  prob: Float64Array,
  sample: Uint8Array,
  width: number,
  outLogit: Float64Array,
  action: Int32Array,
  actions: number,
  v: Float32Array,
  magnitude: number,
  tables: FlipTables,
  batch: number,
  credit: Float64Array,
  expScratch: Float64Array,
): void {
  const table = tables.table;
  for (let b = 0; b < batch; b++) {
    const zBase = b * actions;
    let max = -Infinity;
    for (let k = 0; k < actions; k++) max = Math.max(max, outLogit[zBase + k]);
    let sum = 0;
    for (let k = 0; k < actions; k++) {
      const e = Math.exp(outLogit[zBase + k] - max);
      expScratch[k] = e;
      sum += e;
    }
    const a = action[b];
    const za = outLogit[zBase + a] - max;
    const logActual = za - Math.log(sum);
    const pBase = b * width;
    for (let j = 0; j < width; j++) {
      const fired = sample[pBase + j] === 1;
      const delta = fired ? -magnitude : magnitude;
      // z' = z + V[j,:]Δ_j: exp(+|Δ|V) (slot 0) when φ_j = 0, exp(−|Δ|V) (slot 1) when φ_j = 1
      const slot = fired ? 1 : 0;
      const row = j * actions;
      let flippedSum = 0;
      for (let k = 0; k < actions; k++) flippedSum += expScratch[k] * table[2 * (row + k) + slot];
      const logFlipped = za + v[row + a] * delta - Math.log(flippedSum);
      const d = fired ? logFlipped - logActual : logActual - logFlipped;
      credit[pBase + j] = rhoDifference(prob[pBase + j], d);
    }
  }
}
