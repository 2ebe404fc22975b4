// HNCA's counterfactual messages (DESIGN.md §2). For parent j of a layer, forcing j to the
// other value shifts every child's logit by W[j,c]·Δ_j, with Δ_j = −2h_j (±1 values) or
// 1 − 2φ_j (0/1 values): negative when φ_j = 1, positive when φ_j = 0.
// Per update we tabulate exp(±|Δ|·W) once (independent of the batch), so a flipped child
// probability costs one multiply-add per (example, parent, child) edge and one log per
// (example, parent): no transcendental call per edge.
import { LOGIT_CLIP, PROB_MAX, PROB_MIN, rhoDifference } from '../units/bernoulli.ts';
import type { FlipTables } from '../units/flipTables.ts';

/** A child's sampled-value probability is clip(sigmoid(s·u)) = 1/f with f clamped to these bounds. */
const FACTOR_MIN = 1 / PROB_MAX;
const FACTOR_MAX = 1 / PROB_MIN;
const T_MAX = 1e30;
const PRODUCT_RESCALE = 1e100;

/** the product's size is checked every this many children (each factor ≤ 1e5) */
const BLOCK = 32;

/** Per-example working arrays of bernoulliChildrenCredit, sized for the widest layer. */
export class ChildScratch {
  /** t_c = exp(−s_c u_c) */
  readonly t: Float64Array;
  /** table offsets 2c + slot for a parent with φ_j = 0 (offset0) and φ_j = 1 (offset1) */
  readonly offset0: Int32Array;
  readonly offset1: Int32Array;
  constructor(width: number) {
    this.t = new Float64Array(width);
    this.offset0 = new Int32Array(width);
    this.offset1 = new Int32Array(width);
  }
}

/**
 * Credit rho(1) − rho(0) of every unit of a hidden layer whose children are the next
 * Bernoulli layer (logits childLogit, samples childSample). Writes batch × width values,
 * and each example's actual children log-probability into logQActual.
 * A child's sampled-value probability is clip(sigmoid(s·u)) = 1/f, f = 1 + exp(−s·u) clamped;
 * flipping parent j multiplies exp(−s_c u_c) by exp(−s_c Δ_j W[j,c]) (a table entry).
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
  scratch: ChildScratch,
): void {
  const { table, maxShift } = tables;
  const { t: childT, offset0, offset1 } = scratch;
  for (let b = 0; b < batch; b++) {
    const cBase = b * childWidth;
    let logActual = 0;
    // clipping can only matter if some child's logit can leave ±LOGIT_CLIP under a flip
    let mayClip = false;
    for (let c = 0; c < childWidth; c++) {
      const positive = childSample[cBase + c] === 1;
      const u = childLogit[cBase + c];
      if (Math.abs(u) + maxShift[c] >= LOGIT_CLIP) mayClip = true;
      let t = Math.exp(positive ? -u : u);
      if (t > T_MAX) t = T_MAX;
      childT[c] = t;
      // exponent −s_c·Δ_j·W: slot 1 (−|Δ|W) when s_c = +1 and φ_j = 0, or s_c = −1 and φ_j = 1
      offset0[c] = 2 * c + (positive ? 1 : 0);
      offset1[c] = 2 * c + (positive ? 0 : 1);
      let f = 1 + t;
      f = f < FACTOR_MIN ? FACTOR_MIN : f > FACTOR_MAX ? FACTOR_MAX : f;
      logActual -= Math.log(f);
    }
    logQActual[b] = logActual;
    const pBase = b * width;
    for (let j = 0; j < width; j++) {
      const fired = sample[pBase + j] === 1;
      const offset = fired ? offset1 : offset0;
      const row = 2 * j * childWidth;
      let logFlipped = 0;
      let product = 1;
      for (let start = 0; start < childWidth; start += BLOCK) {
        const end = Math.min(start + BLOCK, childWidth);
        if (mayClip) {
          for (let c = start; c < end; c++) {
            let f = 1 + childT[c] * table[row + offset[c]];
            f = f < FACTOR_MIN ? FACTOR_MIN : f > FACTOR_MAX ? FACTOR_MAX : f;
            product *= f;
          }
        } else {
          // four independent partial products: the multiply chain, not memory, limits this loop
          let p0 = 1;
          let p1 = 1;
          let p2 = 1;
          let p3 = 1;
          let c = start;
          for (; c + 3 < end; c += 4) {
            p0 *= 1 + childT[c] * table[row + offset[c]];
            p1 *= 1 + childT[c + 1] * table[row + offset[c + 1]];
            p2 *= 1 + childT[c + 2] * table[row + offset[c + 2]];
            p3 *= 1 + childT[c + 3] * table[row + offset[c + 3]];
          }
          for (; c < end; c++) p0 *= 1 + childT[c] * table[row + offset[c]];
          product *= p0 * p1 * (p2 * p3);
        }
        // a block multiplies by at most 1e160, so folding above 1e100 never overflows
        if (product > PRODUCT_RESCALE) {
          logFlipped -= Math.log(product);
          product = 1;
        }
      }
      logFlipped -= Math.log(product);
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
