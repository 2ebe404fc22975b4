// HNCA's counterfactual messages (docs/math.md §2). For parent j of a layer, forcing j to the
// other value shifts every child's logit by W[j,c]·Δ_j, with Δ_j = −2h_j (±1 values) or
// 1 − 2φ_j (0/1 values): negative when φ_j = 1, positive when φ_j = 0.
// Per update we tabulate exp(±|Δ|·W) once (independent of the batch), so a flipped child
// probability costs one multiply-add per (example, parent, child) edge, and the credit follows
// from the ratio of two products per (example, parent): no exp or log per edge or per parent.
import { heapArrays, type ArrayAllocator } from '../../simd/arrays.ts';
import { kernelsOf } from '../../simd/wasmKernels.ts';
import { childSurprise, LOGIT_CLIP, PROB_MAX, PROB_MIN, rhoDifference, surpriseChange } from '../units/bernoulli.ts';
import { logSumExp } from '../units/softmax.ts';
import type { FlipTables } from '../units/flipTables.ts';

/** A child's sampled-value probability is clip(sigmoid(s·u)) = 1/f with f clamped to these bounds. */
const FACTOR_MIN = 1 / PROB_MAX;
const FACTOR_MAX = 1 / PROB_MIN;
const PRODUCT_RESCALE = 1e100;
/** 2^−332 (≈ 1.1e-100): a product above PRODUCT_RESCALE is scaled by it (exactly) and the scale counted */
const RESCALE_DOWN = 2 ** -332;
/** 2^332 */
const RESCALE_UP = 2 ** 332;
/** log 2^332 (nats) */
const RESCALE_LOG = 332 * Math.LN2;

/**
 * HNCA credit rho(1) − rho(0) = (Q1 − Q0)/(p Q1 + (1 − p) Q0) (docs/math.md §2) of a unit with
 * probability p from the ratio Q0/Q1 = q0/q1 of two positive numbers (0 and Infinity allowed,
 * not both): rhoDifference's two forms with e^D = q0/q1 or e^−D = q1/q0, whichever is at most 1,
 * so nothing overflows and no exp is needed. Equal to rhoDifference(p, log q0 − log q1) up to rounding.
 */
export function rhoDifferenceOfRatio(p: number, q0: number, q1: number): number {
  if (q0 <= q1) {
    const e = q0 / q1;
    return (1 - e) / (p + (1 - p) * e);
  }
  const e = q1 / q0;
  return (e - 1) / (p * e + (1 - p));
}

/**
 * Credit of a parent from the products of its children's inverse probabilities (each child's
 * factor f = 1/P(child's sampled value)): actual (with nothing flipped) = actual·2^(332·actualScale),
 * flipped (the parent forced to its other value) = flipped·2^(332·flippedScale), so
 * Q_flipped/Q_actual = actual/flipped. `fired`: the parent's sampled φ is 1 (then Q1 is the actual Q).
 */
function creditOfProducts(p: number, fired: boolean, flipped: number, flippedScale: number, actual: number, actualScale: number): number {
  let qFlipped = actual;
  let qActual = flipped;
  for (let k = flippedScale; k < actualScale; k++) qFlipped *= RESCALE_UP;
  for (let k = actualScale; k < flippedScale; k++) qActual *= RESCALE_UP;
  return fired ? rhoDifferenceOfRatio(p, qFlipped, qActual) : rhoDifferenceOfRatio(p, qActual, qFlipped);
}
/**
 * The fast paths multiply exp(±x) factors: they are exact (no overflow, no underflow to 0, no
 * 0·∞) while every exponent stays within ±FAST_EXPONENT (e^600 ≈ 1e260); beyond it an example
 * takes the log-domain path (docs/math.md §2: every message in the log domain).
 */
const FAST_EXPONENT = 600;

/** the product's size is checked every this many children (each factor ≤ 1e5) */
const BLOCK = 32;

/** Per-example working arrays of bernoulliChildrenCredit, sized for the widest layer. */
export class ChildScratch {
  /** t_c = exp(−s_c u_c) */
  readonly t: Float64Array;
  /** table offsets 2c + slot for a parent with φ_j = 0 (offset0) and φ_j = 1 (offset1) */
  readonly offset0: Int32Array;
  readonly offset1: Int32Array;
  /** log-domain path: x_c = −s_c u_c and childSurprise(x_c) */
  readonly x: Float64Array;
  readonly surprise: Float64Array;
  /** `arrays`: where the arrays live (a run's WASM kernel arena in the CPU engine). */
  constructor(width: number, arrays: ArrayAllocator = heapArrays) {
    this.t = arrays.f64(width);
    this.x = arrays.f64(width);
    this.surprise = arrays.f64(width);
    this.offset0 = arrays.i32(width);
    this.offset1 = arrays.i32(width);
  }
}

/** A Bernoulli layer and its Bernoulli children (the next layer) in one update. */
export interface BernoulliFamily {
  /** [batch, width] the layer's firing probabilities */
  prob: Float64Array;
  /** [batch, width] its sampled values (0/1) */
  sample: Uint8Array;
  width: number;
  /** [batch, childWidth] the children's logits */
  childLogit: Float64Array;
  /** [batch, childWidth] the children's samples (0/1) */
  childSample: Uint8Array;
  childWidth: number;
  /** this update's exp(±m·W) tables of the weights from the layer to its children */
  tables: FlipTables;
}

/**
 * Credit rho(1) − rho(0) of every unit of a hidden layer whose children are the next
 * Bernoulli layer (logits childLogit, samples childSample). Writes batch × width values,
 * and each example's actual children log-probability into logQActual.
 * A child's sampled-value probability is clip(sigmoid(s·u)) = 1/f, f = 1 + exp(−s·u) clamped;
 * flipping parent j multiplies exp(−s_c u_c) by exp(−s_c Δ_j W[j,c]) (a table entry).
 */
export function bernoulliChildrenCredit(family: BernoulliFamily, batch: number, credit: Float64Array, logQActual: Float64Array, scratch: ChildScratch): void {
  const { prob, sample, width, childLogit, childSample, childWidth, tables } = family;
  const { table, maxShift } = tables;
  const { t: childT, offset0, offset1 } = scratch;
  // each example in the WASM kernel (the same operations) when every array is in its memory
  const kernels = kernelsOf(table);
  const wasm =
    kernels &&
    [maxShift, childLogit, childSample, childT, offset0, offset1, sample, prob, credit, logQActual].every((a) => kernelsOf(a) === kernels)
      ? kernels.exports
      : null;
  for (let b = 0; b < batch; b++) {
    const cBase = b * childWidth;
    if (wasm) {
      const pBase = b * width;
      const logDomain = wasm.bernoulliCreditExample(table.byteOffset, maxShift.byteOffset, childLogit.byteOffset + 8 * cBase, childSample.byteOffset + cBase, childT.byteOffset, offset0.byteOffset, offset1.byteOffset, sample.byteOffset + pBase, prob.byteOffset + 8 * pBase, width, childWidth, LOGIT_CLIP, credit.byteOffset + 8 * pBase, logQActual.byteOffset + 8 * b);
      if (logDomain === 1) logDomainChildrenCredit(family, b, credit, scratch);
      continue;
    }
    // the product of the actual children's inverse probabilities, scaled like the flipped ones
    let actual = 1;
    let actualScale = 0;
    // clipping can only matter if some child's logit can leave ±LOGIT_CLIP under a flip;
    // the table products are exact only while |u| + max shift stays below FAST_EXPONENT
    let mayClip = false;
    let fast = true;
    for (let c = 0; c < childWidth; c++) {
      const positive = childSample[cBase + c] === 1;
      const u = childLogit[cBase + c];
      const reach = Math.abs(u) + maxShift[c];
      if (reach >= LOGIT_CLIP) mayClip = true;
      if (reach > FAST_EXPONENT) fast = false;
      const t = Math.exp(positive ? -u : u);
      childT[c] = t;
      // exponent −s_c·Δ_j·W: slot 1 (−|Δ|W) when s_c = +1 and φ_j = 0, or s_c = −1 and φ_j = 1
      offset0[c] = 2 * c + (positive ? 1 : 0);
      offset1[c] = 2 * c + (positive ? 0 : 1);
      let f = 1 + t;
      f = f < FACTOR_MIN ? FACTOR_MIN : f > FACTOR_MAX ? FACTOR_MAX : f;
      actual *= f;
      if (actual > PRODUCT_RESCALE) {
        actual *= RESCALE_DOWN;
        actualScale++;
      }
    }
    logQActual[b] = -(Math.log(actual) + actualScale * RESCALE_LOG);
    const pBase = b * width;
    if (!fast) {
      logDomainChildrenCredit(family, b, credit, scratch);
      continue;
    }
    for (let j = 0; j < width; j++) {
      const fired = sample[pBase + j] === 1;
      const offset = fired ? offset1 : offset0;
      const row = 2 * j * childWidth;
      let scale = 0;
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
        // a block multiplies by at most 1e160, so scaling above 1e100 never overflows
        if (product > PRODUCT_RESCALE) {
          product *= RESCALE_DOWN;
          scale++;
        }
      }
      credit[pBase + j] = creditOfProducts(prob[pBase + j], fired, product, scale, actual, actualScale);
    }
  }
}

/**
 * The log-domain path of bernoulliChildrenCredit for example b: per edge, the change of the
 * child's clipped surprise under the flip (surpriseChange, a transcendental per edge), so any
 * finite weights and logits give finite credit. Used when the table products could overflow.
 */
function logDomainChildrenCredit(family: BernoulliFamily, b: number, credit: Float64Array, scratch: ChildScratch): void {
  const { prob, sample, width, childLogit, childSample, childWidth, tables } = family;
  const { x, surprise } = scratch;
  const w = tables.weights;
  const m = tables.magnitude;
  const cBase = b * childWidth;
  for (let c = 0; c < childWidth; c++) {
    // x = −s·u, s = 2φ_c − 1
    x[c] = childSample[cBase + c] === 1 ? -childLogit[cBase + c] : childLogit[cBase + c];
    surprise[c] = childSurprise(x[c]);
  }
  const pBase = b * width;
  for (let j = 0; j < width; j++) {
    const fired = sample[pBase + j] === 1;
    // the flip moves child c's logit by Δ_j W[j,c], Δ_j = ∓m, so x moves by d = −s_c Δ_j W[j,c]
    const delta = fired ? -m : m;
    const row = j * childWidth;
    let change = 0;
    for (let c = 0; c < childWidth; c++) {
      const d = (childSample[cBase + c] === 1 ? -delta : delta) * w[row + c];
      change += surpriseChange(x[c], d, surprise[c]);
    }
    // log Q_flipped − log Q_actual = −change; D = log Q0 − log Q1
    credit[pBase + j] = rhoDifference(prob[pBase + j], fired ? -change : change);
  }
}

/**
 * Credit of the last hidden layer, whose only child is the softmax output: flipping parent j
 * gives log π'(a) = z_a + V[j,a]Δ_j − logsumexp(z + V[j,:]Δ_j), with exp(z_k − max z)
 * computed once per example and exp(±|Δ|V) from the tables while those are exact, otherwise
 * by a shifted logsumexp per (example, parent). expScratch: 2 × actions entries.
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
  const shifted = expScratch.subarray(actions, 2 * actions);
  // the table path in the WASM kernel (the same operations) when every array is in its memory
  const kernels = kernelsOf(table);
  const wasm = kernels && [prob, sample, outLogit, credit, expScratch].every((x) => kernelsOf(x) === kernels) ? kernels.exports : null;
  for (let b = 0; b < batch; b++) {
    const zBase = b * actions;
    let max = -Infinity;
    let min = Infinity;
    for (let k = 0; k < actions; k++) {
      max = Math.max(max, outLogit[zBase + k]);
      min = Math.min(min, outLogit[zBase + k]);
    }
    const pBase = b * width;
    // exp(z_k − max z)·exp(±|Δ|V) is exact while both exponents stay within ±FAST_EXPONENT
    if (max - min > FAST_EXPONENT || tables.largestShift > FAST_EXPONENT) {
      // log domain: log π'(a) − log π(a) = Δ V[j,a] − (logsumexp(z + ΔV[j,:]) − logsumexp(z))
      const lse = logSumExp(outLogit, zBase, actions);
      const a = action[b];
      for (let j = 0; j < width; j++) {
        const fired = sample[pBase + j] === 1;
        const delta = fired ? -magnitude : magnitude;
        const row = j * actions;
        for (let k = 0; k < actions; k++) shifted[k] = outLogit[zBase + k] + delta * v[row + k];
        const dlog = delta * v[row + a] - (logSumExp(shifted, 0, actions) - lse);
        credit[pBase + j] = rhoDifference(prob[pBase + j], fired ? dlog : -dlog);
      }
      continue;
    }
    if (wasm) {
      wasm.softmaxCreditExample(prob.byteOffset + 8 * pBase, sample.byteOffset + pBase, width, outLogit.byteOffset + 8 * zBase, actions, action[b], max, table.byteOffset, credit.byteOffset + 8 * pBase, expScratch.byteOffset);
      continue;
    }
    let sum = 0;
    for (let k = 0; k < actions; k++) {
      const e = Math.exp(outLogit[zBase + k] - max);
      expScratch[k] = e;
      sum += e;
    }
    const a = action[b];
    for (let j = 0; j < width; j++) {
      const fired = sample[pBase + j] === 1;
      // z' = z + V[j,:]Δ_j: exp(+|Δ|V) (slot 0) when φ_j = 0, exp(−|Δ|V) (slot 1) when φ_j = 1
      const slot = fired ? 1 : 0;
      const row = j * actions;
      let flippedSum = 0;
      for (let k = 0; k < actions; k++) flippedSum += expScratch[k] * table[2 * (row + k) + slot];
      // π'(a)/π(a) = exp(V[j,a]Δ_j)·Σ_k e^(z_k − max) / Σ_k e^(z'_k − max)
      const qFlipped = table[2 * (row + a) + slot] * sum;
      credit[pBase + j] = fired ? rhoDifferenceOfRatio(prob[pBase + j], qFlipped, flippedSum) : rhoDifferenceOfRatio(prob[pBase + j], flippedSum, qFlipped);
    }
  }
}
