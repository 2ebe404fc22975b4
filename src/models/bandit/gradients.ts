// Per-example learning signals and batch-mean gradient estimates (docs/math.md §2), plus the
// first half of the variance metric (docs/math.md §4): Σ_b (Σ_i s_bi²)(Σ_j x_bj² + 1) / B.
// The second half, Σ gbar², comes from the optimizer's pass over the gradients.
import type { SparseBinaryRows } from '../../data/minibatch.ts';
import { hncaSignal, reinforceSignal } from '../units/bernoulli.ts';
import type { BanditParameters } from './parameters.ts';
import { commonKernels } from '../../simd/wasmKernels.ts';
import { sumSelectedRows } from './rowSums.ts';
import type { BanditScratch } from './scratch.ts';
import { ShiftedGradientVariance } from '../../engine/gradientVariance.ts';

/** g_b[i] = (1/B) Σ_b s_bi; returns per example Σ_i s_bi² into `squares`. */
function biasGradient(gradB: Float64Array, signal: Float64Array, width: number, batch: number, squares: Float64Array): void {
  const inv = 1 / batch;
  const kernels = commonKernels(gradB, signal, squares);
  if (kernels) {
    kernels.exports.biasGradient(gradB.byteOffset, signal.byteOffset, width, batch, inv, squares.byteOffset);
    return;
  }
  gradB.fill(0);
  for (let b = 0; b < batch; b++) {
    const base = b * width;
    let ss = 0;
    for (let i = 0; i < width; i++) {
      const s = signal[base + i];
      ss += s * s;
      gradB[i] += s * inv;
    }
    squares[b] = ss;
  }
}

/**
 * g_W[j,i] = (1/B) Σ_b x_bj s_bi and g_b[i] = (1/B) Σ_b s_bi for a layer whose inputs are the
 * sparse binary pixels: row j of g_W sums the signals of the examples where pixel j is on.
 * Returns Σ_b (Σ_i s_bi²)(Σ_j x_bj² + 1) / B.
 */
export function sparseInputGradient(
  gradW: Float64Array,
  gradB: Float64Array,
  signal: Float64Array,
  width: number,
  input: SparseBinaryRows,
  s: BanditScratch,
): number {
  const batch = input.count;
  const inputs = input.width;
  const { onStart, onIndex } = input;
  const squares = s.rowSquares;
  biasGradient(gradB, signal, width, batch, squares);
  let second = 0;
  for (let b = 0; b < batch; b++) second += squares[b] * (onStart[b + 1] - onStart[b] + 1);
  // CSR of pixel → examples: count, prefix sums, fill
  const start = s.pixelStart;
  start.fill(0);
  for (let k = 0; k < onStart[batch]; k++) start[onIndex[k] + 2]++;
  for (let j = 0; j < inputs; j++) start[j + 2] += start[j + 1];
  const list = s.pixelExamples;
  for (let b = 0; b < batch; b++) {
    for (let k = onStart[b]; k < onStart[b + 1]; k++) list[start[onIndex[k] + 1]++] = b * width;
  }
  // now start[j] .. start[j+1] delimit pixel j's examples
  const kernels = commonKernels(gradW, signal, start, list);
  if (kernels) kernels.exports.csrRowSums(gradW.byteOffset, signal.byteOffset, start.byteOffset, list.byteOffset, inputs, width, 1 / batch);
  else for (let j = 0; j < inputs; j++) sumSelectedRows(signal, list, start[j], start[j + 1] - start[j], width, gradW, j * width, 1 / batch, null);
  return second / batch;
}

/**
 * The same for a layer whose inputs are hidden samples. With ±1 values
 * g_W[j,:] = (2·Σ_{b: φ_bj = 1} s_b − Σ_b s_b)/B = 2·acc_j − g_b, so only fired inputs are
 * summed; with 0/1 values g_W[j,:] = acc_j.
 */
export function hiddenInputGradient(
  gradW: Float64Array,
  gradB: Float64Array,
  signal: Float64Array,
  width: number,
  sample: Uint8Array,
  inWidth: number,
  centered: boolean,
  batch: number,
  s: BanditScratch,
): number {
  const inv = 1 / batch;
  const squares = s.rowSquares;
  // the whole layer in the WASM kernel (the same operations) when every array is in its memory
  const kernels = commonKernels(gradW, gradB, signal, sample, squares, s.negBiasGrad, s.selected);
  if (kernels) {
    return kernels.exports.hiddenGradient(gradW.byteOffset, gradB.byteOffset, signal.byteOffset, width, sample.byteOffset, inWidth, centered ? 1 : 0, batch, squares.byteOffset, s.negBiasGrad.byteOffset, s.selected.byteOffset);
  }
  biasGradient(gradB, signal, width, batch, squares);
  let second = 0;
  for (let b = 0; b < batch; b++) {
    let fired = 0;
    if (!centered) for (let j = 0; j < inWidth; j++) fired += sample[b * inWidth + j];
    second += squares[b] * ((centered ? inWidth : fired) + 1);
  }
  const negBias = s.negBiasGrad;
  for (let i = 0; i < width; i++) negBias[i] = -gradB[i];
  const selected = s.selected;
  for (let j = 0; j < inWidth; j++) {
    let n = 0;
    for (let b = 0; b < batch; b++) if (sample[b * inWidth + j] === 1) selected[n++] = b * width;
    sumSelectedRows(signal, selected, 0, n, width, gradW, j * width, centered ? 2 * inv : inv, centered ? negBias : null);
  }
  return second * inv;
}

/** Output-layer signals s_bk = R_b (e_a − π)_k (the score function of the softmax). */
export function outputSignals(s: BanditScratch, batch: number, actions: number): void {
  for (let b = 0; b < batch; b++) {
    const base = b * actions;
    const r = s.learningSignal[b];
    const a = s.action[b];
    for (let k = 0; k < actions; k++) s.outSignal[base + k] = r * ((k === a ? 1 : 0) - s.outProb[base + k]);
  }
}

/** REINFORCE: S_i = R (φ_i − p_i). */
export function reinforceSignals(s: BanditScratch, layer: number, width: number, batch: number): void {
  const prob = s.prob[layer];
  const sample = s.sample[layer];
  const signal = s.signal[layer];
  for (let b = 0; b < batch; b++) {
    const r = s.learningSignal[b];
    const base = b * width;
    for (let i = 0; i < width; i++) signal[base + i] = reinforceSignal(r, sample[base + i], prob[base + i]);
  }
}

/** HNCA: S_i = R p_i (1 − p_i)(rho_i(1) − rho_i(0)), with the credit already in s.credit. */
export function hncaSignals(s: BanditScratch, layer: number, width: number, batch: number): void {
  const prob = s.prob[layer];
  const credit = s.credit[layer];
  const signal = s.signal[layer];
  for (let b = 0; b < batch; b++) {
    const r = s.learningSignal[b];
    const base = b * width;
    for (let i = 0; i < width; i++) signal[base + i] = hncaSignal(r, prob[base + i], credit[base + i]);
  }
}

/**
 * Writes every layer's batch-mean gradient into params and, into `second`, per layer Σ_b(Σ s²)(Σ x² + 1)/B.
 * Categorical hidden layers: signals [batch, U·N] per logit, inputs their centered one-hot outputs e_φ − 1/N (docs/math.md §7.1).
 */
export function accumulateGradients(params: BanditParameters, s: BanditScratch, input: SparseBinaryRows, second: Float64Array): void {
  const { sizes, hiddenValues, units } = params.shape;
  // categorical layers (docs/math.md §7.1) pass on centered one-hot outputs e_φ − 1/N, whatever hiddenValues says
  const categories = units === 'categorical' ? (params.shape.categories ?? 0) : 0;
  const centered = hiddenValues === 'pm1' && !categories;
  const batch = input.count;
  const layers = params.layerCount;
  for (let k = 0; k < layers; k++) {
    const width = sizes[k + 1];
    const signal = k === layers - 1 ? s.outSignal : s.signal[k];
    const gw = params.weights[k].grad;
    const gb = params.biases[k].grad;
    if (k === 0) second[k] = sparseInputGradient(gw, gb, signal, width, input, s);
    else {
      second[k] = hiddenInputGradient(gw, gb, signal, width, s.sample[k - 1], sizes[k], centered, batch, s);
      if (categories) second[k] = centerOneHotGradient(gw, gb, width, sizes[k], categories, batch, s.rowSquares);
    }
  }
}

/**
 * Turns the gradient of a layer fed by one-hot categorical outputs (hiddenInputGradient's 0/1
 * path: g_W[j,:] = acc_j) into the gradient for the centered inputs x = e_φ − 1/N that the
 * layer reads (docs/math.md §7.1 with centered outputs): g_W[j,:] = acc_j − g_b/N. Returns the
 * metric's Σ_b (Σ_i s_bi²)(Σ_j x_bj² + 1)/B with Σ_j x_bj² = U(N − 1)/N for U = inWidth/N
 * units, from `squares` [batch] (Σ_i s_bi² per example, as hiddenInputGradient left them).
 * gradW [inWidth, width], gradB [width].
 */
export function centerOneHotGradient(gradW: Float64Array, gradB: Float64Array, width: number, inWidth: number, categories: number, batch: number, squares: Float64Array): number {
  const inv = 1 / categories;
  for (let j = 0; j < inWidth; j++) {
    const row = j * width;
    for (let i = 0; i < width; i++) gradW[row + i] -= gradB[i] * inv;
  }
  const xSquares = ((inWidth / categories) * (categories - 1)) / categories;
  let second = 0;
  for (let b = 0; b < batch; b++) second += squares[b] * (xSquares + 1);
  return second / batch;
}

/**
 * docs/math.md §4 per layer by shifted sums (ShiftedGradientVariance: stable for gradients of a
 * large mean and a small spread, never negative, exactly 0 at batch 1), from the layers'
 * finished batch-mean gradients (after accumulateGradients), their signals and their inputs:
 * the pixels (binary), then the hidden samples as the layers read them (±1, 0/1, or the centered
 * one-hot e_φ − 1/N of categorical units, docs/math.md §7.1). `variance` holds one accumulator
 * per layer ([inputs, width] of layer k); writes Σ over the layer's parameters of the batch
 * variance into `out[k]`.
 */
export function layerVarianceSums(params: BanditParameters, s: BanditScratch, input: SparseBinaryRows, variance: readonly ShiftedGradientVariance[], out: Float64Array): void {
  const { sizes, hiddenValues, units } = params.shape;
  const categories = units === 'categorical' ? (params.shape.categories ?? 0) : 0;
  const centered = hiddenValues === 'pm1' && !categories;
  const batch = input.count;
  const layers = params.layerCount;
  const { onStart, onIndex } = input;
  for (let k = 0; k < layers; k++) {
    const width = sizes[k + 1];
    const signal = k === layers - 1 ? s.outSignal : s.signal[k];
    const v = variance[k];
    if (k === 0) {
      const first = new Set<number>();
      for (let q = onStart[0]; q < onStart[1]; q++) first.add(onIndex[q]);
      v.first((j) => (first.has(j) ? 1 : 0), signal, 0);
      for (let b = 0; b < batch; b++) v.addBinary(onIndex, onStart[b], onStart[b + 1], signal, b * width);
    } else {
      const sample = s.sample[k - 1];
      const inWidth = sizes[k];
      const offset = categories ? 1 / categories : 0;
      const value = (b: number) => (j: number): number => {
        const phi = sample[b * inWidth + j];
        return centered ? 2 * phi - 1 : phi - offset;
      };
      v.first(value(0), signal, 0);
      for (let b = 0; b < batch; b++) v.add(value(b), signal, b * width);
    }
    out[k] = v.finish(params.weights[k].grad, params.biases[k].grad);
  }
}
