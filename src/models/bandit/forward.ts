// Stochastic forward pass of the bandit network over a batch (docs/math.md §2).
import type { SparseBinaryRows } from '../../data/minibatch.ts';
import { commonKernels, kernelsOf } from '../../simd/wasmKernels.ts';
import { streamKey, uniform } from '../../rng/counterRng.ts';
import { clippedSigmoid, sampleBernoulli } from '../units/bernoulli.ts';
import { softmaxInto } from '../units/softmax.ts';
import type { BanditParameters } from './parameters.ts';
import { sumSelectedRows } from './rowSums.ts';
import type { BanditScratch } from './scratch.ts';

/**
 * Where a forward pass gets its uniforms: the counter-based RNG in training, or chosen
 * values in the exact-expectation tests (u = 0 forces φ = 1; u → 1 forces φ = 0).
 */
export interface UniformSource {
  /**
   * uniform for unit `unit` of example `example` in hidden layer `layer` of `width` units; a
   * categorical unit (docs/math.md §7.1) also passes its probabilities probs[base..base + count)
   */
  hidden(layer: number, example: number, unit: number, width: number, probs?: Float64Array, base?: number, count?: number): number;
  /** uniform for the action of example `example`, whose action probabilities are probs[base..] */
  action(example: number, probs: Float64Array, base: number): number;
}

/** The RNG streams of one forward pass: one key per hidden layer, one for the action. */
export class ForwardKeys implements UniformSource {
  readonly hiddenKeys: number[] = [];
  actionKey = 0;
  /**
   * `exampleOffset`: index of example 0 in the stream (evaluation uses the test image's
   * index, so a chunked pass draws the same numbers as a whole one).
   */
  constructor(
    readonly seed: number,
    step: number,
    readonly hiddenStreamBase: number,
    readonly actionStream: number,
    layers: number,
    readonly exampleOffset = 0,
  ) {
    this.hiddenKeys.length = layers;
    this.setStep(step);
  }
  /** Moves to another step of the same streams (training reuses one object per seed). */
  setStep(step: number): this {
    for (let l = 0; l < this.hiddenKeys.length; l++) this.hiddenKeys[l] = streamKey(this.seed, step, this.hiddenStreamBase + l);
    this.actionKey = streamKey(this.seed, step, this.actionStream);
    return this;
  }
  hidden(layer: number, example: number, unit: number, width: number): number {
    return uniform(this.hiddenKeys[layer], (this.exampleOffset + example) * width + unit);
  }
  action(example: number): number {
    return uniform(this.actionKey, this.exampleOffset + example);
  }
}

export function forwardKeys(seed: number, step: number, hiddenStreamBase: number, actionStream: number, layers: number, exampleOffset = 0): ForwardKeys {
  return new ForwardKeys(seed, step, hiddenStreamBase, actionStream, layers, exampleOffset);
}

/** Logits of layer 0 from sparse binary pixels: u = b + Σ_{on pixels j} W[j,:] ([batch, width] into out). */
export function sparseInputLogits(w: Float32Array, bias: Float32Array, input: SparseBinaryRows, width: number, out: Float64Array, selected: Int32Array): void {
  const { onStart, onIndex } = input;
  for (let b = 0; b < input.count; b++) {
    let n = 0;
    for (let k = onStart[b]; k < onStart[b + 1]; k++) selected[n++] = onIndex[k] * width;
    sumSelectedRows(w, selected, 0, n, width, out, b * width, 1, bias);
  }
}

/**
 * Logits from the previous hidden layer's samples. With ±1 values
 * u = b − Σ_j W[j,:] + 2·Σ_{fired j} W[j,:], so only fired units' rows are added (the column
 * sums are computed once per call, independent of the batch); with 0/1 values u = b + Σ_{fired} W[j,:].
 */
export function hiddenInputLogits(
  w: Float32Array,
  bias: Float32Array,
  sample: Uint8Array,
  inWidth: number,
  width: number,
  centered: boolean,
  batch: number,
  out: Float64Array,
  base: Float64Array,
  selected: Int32Array,
): void {
  // the whole batch in the WASM kernel (the same operations) when every array is in its memory
  const kernels = commonKernels(w, bias, sample, out, base, selected);
  if (kernels) {
    kernels.exports.hiddenLogits(w.byteOffset, bias.byteOffset, sample.byteOffset, inWidth, width, centered ? 1 : 0, batch, out.byteOffset, base.byteOffset, selected.byteOffset);
    return;
  }
  for (let i = 0; i < width; i++) base[i] = bias[i];
  if (centered) {
    for (let j = 0; j < inWidth; j++) {
      const row = j * width;
      for (let i = 0; i < width; i++) base[i] -= w[row + i];
    }
  }
  const scale = centered ? 2 : 1;
  for (let b = 0; b < batch; b++) {
    const sBase = b * inWidth;
    let n = 0;
    for (let j = 0; j < inWidth; j++) if (sample[sBase + j] === 1) selected[n++] = j * width;
    sumSelectedRows(w, selected, 0, n, width, out, b * width, scale, base);
  }
}

/**
 * Clipped probabilities and Bernoulli samples φ = [u < p] of one layer. With the training and
 * evaluation RNG (ForwardKeys) and arrays in a WASM kernel instance's memory, its kernel
 * computes the same values (wasm/kernels.ts sampleBernoulliLayer: the same hash, JS's Math.exp).
 */
export function sampleLayer(logit: Float64Array, prob: Float64Array, sample: Uint8Array, batch: number, width: number, layer: number, source: UniformSource): void {
  const kernels = kernelsOf(logit);
  if (kernels && source instanceof ForwardKeys && kernelsOf(prob) === kernels && kernelsOf(sample) === kernels) {
    kernels.exports.sampleBernoulliLayer(logit.byteOffset, prob.byteOffset, sample.byteOffset, batch, width, source.hiddenKeys[layer], source.exampleOffset);
    return;
  }
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < width; i++) {
      const e = b * width + i;
      const p = clippedSigmoid(logit[e]);
      prob[e] = p;
      // compare against the float32 probability, as the WGSL kernel does
      sample[e] = sampleBernoulli(Math.fround(p), source.hidden(layer, b, i, width));
    }
  }
}

/**
 * Runs the network on `input` (batch = input.count): fills every hidden layer's logits,
 * probabilities and samples, the output logits and softmax, and samples the actions.
 */
export function forwardBatch(params: BanditParameters, input: SparseBinaryRows, source: UniformSource, s: BanditScratch): void {
  const { sizes, hiddenValues } = params.shape;
  const centered = hiddenValues === 'pm1';
  const batch = input.count;
  const hiddenLayers = sizes.length - 2;
  for (let l = 0; l < hiddenLayers; l++) {
    const width = sizes[l + 1];
    const w = params.weights[l].value;
    const bias = params.biases[l].value;
    if (l === 0) sparseInputLogits(w, bias, input, width, s.logit[0], s.selected);
    else hiddenInputLogits(w, bias, s.sample[l - 1], sizes[l], width, centered, batch, s.logit[l], s.baseLogit, s.selected);
    sampleLayer(s.logit[l], s.prob[l], s.sample[l], batch, width, l, source);
  }
  const actions = sizes[sizes.length - 1];
  hiddenInputLogits(
    params.weights[hiddenLayers].value,
    params.biases[hiddenLayers].value,
    s.sample[hiddenLayers - 1],
    sizes[hiddenLayers],
    actions,
    centered,
    batch,
    s.outLogit,
    s.baseLogit,
    s.selected,
  );
  sampleActions(s, batch, actions, source);
}

/** The output softmax pi = softmax(z) of s.outLogit [batch, actions] into s.outProb and the actions a ~ pi into s.action. */
export function sampleActions(s: BanditScratch, batch: number, actions: number, source: UniformSource): void {
  for (let b = 0; b < batch; b++) {
    const base = b * actions;
    softmaxInto(s.outLogit, base, actions, s.outProb);
    const u = source.action(b, s.outProb, base);
    let cumulative = 0;
    let a = actions - 1;
    for (let k = 0; k < actions; k++) {
      cumulative += s.outProb[base + k];
      if (u < cumulative) {
        a = k;
        break;
      }
    }
    s.action[b] = a;
  }
}
