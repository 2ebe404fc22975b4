// Buffers and bind groups of the WebGPU conv bandit program (docs/math.md §7.2). Layouts (the
// bandit program's, shaders/common.wgsl, with the trunk's layers in the parameter block):
//   params, grads, moment1, moment2: runs × paramsPerRun f32; per run the tensors of
//     convBanditLayout in order [K0, k0, (K1, k1,) W, b, V, c], each layer k's weights
//     (input-major, a filter HWIO = [9·inC, C]) followed by its biases, so layer k is one
//     (inputs + 1) × units block as the bandit's [W_k; b_k]
//   trunk tensors: per run one buffer per trunk tensor (tfjs wraps a buffer from byte 0 as a
//     tensor), copied from params on the GPU before every trunk forward pass
//   Bernoulli layer: logits (the trunk's output), probs, samples (0/1), credit, signals:
//     runs × capacity × width; output: logits, probs, signals runs × capacity × actions;
//     actions (u32) and rewards (vec2: r, R) runs × capacity
//   pixels (0/1 f32): groups × capacity × pixels (binarize_minibatch), and per group a copy from
//     byte 0 for the trunk; per run a copy of its signals from byte 0 for the trunk's backward pass
//   trunkVariance: runs × trunk layers, each trunk layer's variance sum by shifted sums (the
//     trunk's backward pass, src/trunk/trunkVariance.ts; trunk_gradient_variance.wgsl reads it)
//   variance: runs × layers; metrics: runs × (4 + layers) (window sums, baseline_and_counters.wgsl)
import type { Dataset } from '../../../data/dataset.ts';
import { convBanditLayout, type ConvBanditShape } from '../../../models/convBandit/parameters.ts';
import { bindBinarizeGroups, bindSoftmaxActionReward, bindUpdateEnd, createRewardBatchBuffers, createRewardStaticBuffers, rewardBatchBufferList, type RewardBatchBuffers, type RewardStaticBuffers } from '../rewardBuffers.ts';
import type { GpuResources } from '../runtime/resources.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';
import type { ConvKernelSet } from './kernels.ts';

/** One tensor of a run's parameter block: its name, shape, size and offset (floats). */
export interface ConvTensorSlot {
  name: string;
  shape: number[];
  size: number;
  offset: number;
}

/** Sizes of the conv bandit program's buffers (counts, not bytes). */
export interface ConvDims {
  runs: number;
  groups: number;
  capacity: number;
  pixels: number;
  width: number;
  actions: number;
  /** layers of the variance metric: the convolutions, the linear layer, the output (docs/math.md §7.2) */
  layers: number;
  /** layers of the trunk (the convolutions and the linear layer): layers − 1 */
  trunkLayers: number;
  /** per variance layer k: inputs (weights per unit) and units of its weight matrix, and its offset in the block */
  layerInputs: number[];
  layerUnits: number[];
  layerOffsets: number[];
  /** every tensor in convBanditLayout's order */
  tensors: ConvTensorSlot[];
  paramsPerRun: number;
  metricStride: number;
}

/** The dims of `runs` runs in `groups` seed groups of network `shape`, `capacity` examples per batch, `pixels` per image. */
export function convDims(shape: ConvBanditShape, runs: number, groups: number, capacity: number, pixels: number): ConvDims {
  const layout = convBanditLayout(shape);
  let at = 0;
  const tensors = layout.map((t) => {
    const size = t.shape.reduce((a, b) => a * b, 1);
    const slot = { name: t.name, shape: [...t.shape], size, offset: at };
    at += size;
    return slot;
  });
  const layers = layout.length / 2;
  const weights = layout.filter((_, k) => k % 2 === 0);
  return {
    runs,
    groups,
    capacity,
    pixels,
    width: shape.width,
    actions: shape.actions,
    layers,
    trunkLayers: layers - 1,
    layerInputs: weights.map((w) => w.inputs),
    layerUnits: weights.map((w) => w.units),
    layerOffsets: tensors.filter((_, k) => k % 2 === 0).map((t) => t.offset),
    tensors,
    paramsPerRun: at,
    metricStride: 4 + layers,
  };
}

/** Buffers that live as long as the engine: the reward-trained programs' set (../rewardBuffers.ts) and the trunk's. */
export interface ConvStaticBuffers extends RewardStaticBuffers {
  /** run states for inspection: the runs' with the RNG seed of the inspection (training state untouched) */
  inspectRuns: GPUBuffer;
  /** per run, per trunk tensor: its values from byte 0 (usage STORAGE | COPY_SRC: the trunk wraps it) */
  trunkTensors: GPUBuffer[][];
  /** Σ_b ‖g_b‖²/B of each trunk layer, runs × trunk layers */
  trunkVariance: GPUBuffer;
}

/** Buffers sized by the batch capacity (recreated when the batch grows past it). */
export interface ConvActivationBuffers extends RewardBatchBuffers {
  /** per group: its minibatch's pixels from byte 0, [capacity, pixels] (the trunk's input) */
  groupPixels: GPUBuffer[];
  logits: GPUBuffer;
  probs: GPUBuffer;
  samples: GPUBuffer;
  credit: GPUBuffer;
  signals: GPUBuffer;
  /** per run: its Bernoulli units' signals from byte 0, [capacity, width] (the trunk's dL/dlogits) */
  runSignals: GPUBuffer[];
}

/** The buffers that live as long as the engine, filled with the data, run states and initial parameters ([runs, paramsPerRun]). */
export function createConvStaticBuffers(res: GpuResources, dims: ConvDims, data: Dataset, runStates: ArrayBuffer, groupSeeds: Uint32Array, initialParams: Float32Array): ConvStaticBuffers {
  const { runs, trunkLayers } = dims;
  const trunkTensorCount = 2 * trunkLayers;
  return {
    ...createRewardStaticBuffers(res, dims, dims.layerInputs, dims.layerUnits, data, runStates, groupSeeds, initialParams),
    inspectRuns: res.storage('run states of an inspection', new Uint8Array(runStates)),
    trunkTensors: Array.from({ length: runs }, (_, r) =>
      dims.tensors.slice(0, trunkTensorCount).map((t) => res.storage(`run ${r} trunk tensor ${t.name} [${t.shape.join(', ')}]`, t.size * 4)),
    ),
    trunkVariance: res.storage('trunk layer variance sums (runs × trunk layers)', runs * trunkLayers * 4),
  };
}

/** The buffers sized by dims.capacity (uninitialised; every kernel or copy writes before it reads). */
export function createConvActivationBuffers(res: GpuResources, dims: ConvDims): ConvActivationBuffers {
  const { runs, groups, capacity, pixels, width, actions } = dims;
  const hidden = (name: string) => res.storage(`Bernoulli ${name} (runs × capacity × ${width})`, runs * capacity * width * 4);
  return {
    ...createRewardBatchBuffers(res, { runs, groups, capacity, pixels, actions }),
    groupPixels: Array.from({ length: groups }, (_, g) => res.storage(`group ${g} trunk input pixels (capacity × pixels)`, capacity * pixels * 4)),
    logits: hidden('logits'),
    probs: hidden('probabilities'),
    samples: hidden('samples'),
    credit: hidden('credit'),
    signals: hidden('signals'),
    runSignals: Array.from({ length: runs }, (_, r) => res.storage(`run ${r} trunk signal dL/du (capacity × ${width})`, capacity * width * 4)),
  };
}

/** Destroys the activation buffers (before a larger capacity replaces them). */
export function releaseConvActivationBuffers(res: GpuResources, a: ConvActivationBuffers): void {
  for (const b of [...rewardBatchBufferList(a), ...a.groupPixels, a.logits, a.probs, a.samples, a.credit, a.signals, ...a.runSignals]) res.release(b);
}

/** The per-layer uniform buffers (LayerParams) the kernels read. */
export interface ConvLayerUniforms {
  /** binarize_minibatch: inWidth = pixels */
  pixels: GPUBuffer;
  /** the Bernoulli layer (bernoulli_sample, learning_signals): layer 0 of the hidden RNG streams, outWidth = width */
  bernoulli: GPUBuffer;
  /** per variance layer k: its weight matrix (the trunk's layers, then the output layer, the last) */
  layers: GPUBuffer[];
}

/** The forward pass after the trunk (and the credit) reading one set of run states: training's, or an inspection's. */
export interface ConvForwardGroups {
  sample: GPUBindGroup;
  outLogits: GPUBindGroup;
  softmax: GPUBindGroup;
  credit: GPUBindGroup;
}

/** Every bind group of an update (and of an inspection: `inspect`, over the inspection's run states). */
export interface ConvBindGroups extends ConvForwardGroups {
  inspect: ConvForwardGroups;
  binarizeTrain: GPUBindGroup;
  binarizeTest: GPUBindGroup;
  signals: GPUBindGroup;
  outGradient: GPUBindGroup;
  outVariance: GPUBindGroup;
  /** per trunk layer */
  trunkVariance: GPUBindGroup[];
  adam: GPUBindGroup;
  counters: GPUBindGroup;
}

/** Every bind group of one update over the given buffers (the step uniform at a dynamic offset). */
export function createConvBindGroups(runtime: GpuRuntime, kernels: ConvKernelSet, s: ConvStaticBuffers, a: ConvActivationBuffers, u: ConvLayerUniforms, step: { buffer: GPUBuffer; size: number }): ConvBindGroups {
  const out = u.layers[u.layers.length - 1];
  const forward = (runs: GPUBuffer, label: string): ConvForwardGroups => ({
    sample: runtime.bind(kernels.bernoulli_sample, `Bernoulli layer sample${label}`, { layer: u.bernoulli, step, runs, logits: a.logits, probs: a.probs, samples: a.samples }),
    outLogits: runtime.bind(kernels.affine_logits, `output logits${label}`, { layer: out, step, runs, params: s.params, inputs: a.samples, logits: a.outLogits }),
    softmax: bindSoftmaxActionReward(runtime, kernels.softmax_action_reward, `softmax${label}`, out, step, runs, a),
    credit: runtime.bind(kernels.softmax_child_credit, `Bernoulli layer credit${label}`, {
      layer: out,
      step,
      runs,
      params: s.params,
      parentProbs: a.probs,
      parentSamples: a.samples,
      outProbs: a.outProbs,
      outLogits: a.outLogits,
      actions: a.actions,
      credit: a.credit,
    }),
  });
  return {
    ...bindBinarizeGroups(runtime, kernels.binarize_minibatch, u.pixels, step, s, a),
    ...forward(s.runs, ''),
    inspect: forward(s.inspectRuns, ' (inspection)'),
    signals: runtime.bind(kernels.learning_signals, 'Bernoulli layer signals', {
      layer: u.bernoulli,
      step,
      runs: s.runs,
      rewards: a.rewards,
      probs: a.probs,
      samples: a.samples,
      credit: a.credit,
      signals: a.signals,
    }),
    outGradient: runtime.bind(kernels.weight_gradient, 'output gradient', { layer: out, step, runs: s.runs, inputs: a.samples, signals: a.outSignals, grads: s.grads }),
    outVariance: runtime.bind(kernels.gradient_variance, 'output variance', {
      layer: out,
      step,
      runs: s.runs,
      inputs: a.samples,
      signals: a.outSignals,
      grads: s.grads,
      variance: s.variance,
    }),
    trunkVariance: u.layers.slice(0, -1).map((layer, k) =>
      runtime.bind(kernels.trunk_gradient_variance, `trunk layer ${k} variance`, { layer, trunkVariance: s.trunkVariance, variance: s.variance }),
    ),
    ...bindUpdateEnd(runtime, kernels, out, step, s, a),
  };
}
