// The buffers the reward-trained programs on the WebGPU runtime, the bandit (docs/math.md §2) and
// the conv bandit (§7.2), share, with the layouts of shaders/common.wgsl:
//   params, grads, moment1, moment2: runs × paramsPerRun f32, each weight layer k one
//     (inputs_k + 1) × units_k block [W_k; b_k]; layerSizes: those block sizes, then paramsPerRun
//   permutation (u32): groups × train images, the current epoch's order of each seed group
//   variance: runs × layers; metrics: runs × (4 + layers) (window sums, baseline_and_counters.wgsl)
//   pixels (0/1 f32): groups × capacity × pixels; batchLabels (u32): groups × capacity
//   output: logits, probs, signals runs × capacity × actions; actions (u32) and rewards
//     (vec2: r, R) runs × capacity
// Each program adds its own (the bandit its hidden layers', the conv bandit its trunk's).
import type { Dataset } from '../../data/dataset.ts';
import type { Kernel } from './runtime/pipelines.ts';
import type { GpuResources } from './runtime/resources.ts';
import type { GpuRuntime } from './runtime/runtime.ts';

/** The buffers of a reward-trained program that live as long as the engine. */
export interface RewardStaticBuffers {
  trainImages: GPUBuffer;
  trainLabels: GPUBuffer;
  testImages: GPUBuffer;
  testLabels: GPUBuffer;
  permutation: GPUBuffer;
  groupSeeds: GPUBuffer;
  runs: GPUBuffer;
  params: GPUBuffer;
  grads: GPUBuffer;
  moment1: GPUBuffer;
  moment2: GPUBuffer;
  layerSizes: GPUBuffer;
  variance: GPUBuffer;
  metrics: GPUBuffer;
  evalActions: GPUBuffer;
}

/** Counts (no bytes) the shared static buffers are sized by. */
export interface RewardStaticDims {
  runs: number;
  groups: number;
  paramsPerRun: number;
  /** 4 + weight layers */
  metricStride: number;
}

/**
 * The shared static buffers, filled with the data (u8 intensities, 4 per u32), the run states,
 * the groups' seeds and the initial parameters ([runs, paramsPerRun]).
 * @param layerInputs inputs of each weight layer, in parameter order; layerUnits: its units
 */
export function createRewardStaticBuffers(
  res: GpuResources,
  dims: RewardStaticDims,
  layerInputs: readonly number[],
  layerUnits: readonly number[],
  data: Dataset,
  runStates: ArrayBuffer,
  groupSeeds: Uint32Array,
  initialParams: Float32Array,
): RewardStaticBuffers {
  const { runs, groups, paramsPerRun } = dims;
  const layers = layerUnits.length;
  const layerSizes = new Float32Array(layers + 1);
  for (let k = 0; k < layers; k++) layerSizes[k] = (layerInputs[k] + 1) * layerUnits[k];
  layerSizes[layers] = paramsPerRun;
  return {
    trainImages: res.storage('train images (u8 intensities, 4 per u32)', data.train.images),
    trainLabels: res.storage('train labels (u32)', Uint32Array.from(data.train.labels)),
    testImages: res.storage('test images (u8 intensities, 4 per u32)', data.test.images),
    testLabels: res.storage('test labels (u32)', Uint32Array.from(data.test.labels)),
    permutation: res.storage('epoch permutations (groups × train images)', groups * data.train.count * 4),
    groupSeeds: res.storage('group seeds', groupSeeds),
    runs: res.storage('run states', new Uint8Array(runStates)),
    params: res.storage('parameters (runs × params)', initialParams),
    grads: res.storage('gradients (runs × params)', runs * paramsPerRun * 4),
    moment1: res.storage('Adam first moments', runs * paramsPerRun * 4),
    moment2: res.storage('Adam second moments', runs * paramsPerRun * 4),
    layerSizes: res.storage('parameters per layer, then total', layerSizes),
    variance: res.storage('per-layer gradient variance sums (runs × layers)', runs * layers * 4),
    metrics: res.storage('metric window (runs × stride)', runs * dims.metricStride * 4),
    evalActions: res.storage('evaluation actions (runs × test images)', runs * data.test.count * 4),
  };
}

/** The minibatch's and the output layer's buffers, sized by the batch capacity. */
export interface RewardBatchBuffers {
  pixels: GPUBuffer;
  batchLabels: GPUBuffer;
  outLogits: GPUBuffer;
  outProbs: GPUBuffer;
  outSignals: GPUBuffer;
  actions: GPUBuffer;
  rewards: GPUBuffer;
}

/** The minibatch's and the output layer's buffers (uninitialised; every kernel writes before it reads). */
export function createRewardBatchBuffers(res: GpuResources, dims: { runs: number; groups: number; capacity: number; pixels: number; actions: number }): RewardBatchBuffers {
  const { runs, groups, capacity, pixels, actions } = dims;
  const output = (name: string) => res.storage(`output ${name} (runs × capacity × ${actions})`, runs * capacity * actions * 4);
  return {
    pixels: res.storage('minibatch pixels 0/1 (groups × capacity × pixels)', groups * capacity * pixels * 4),
    batchLabels: res.storage('minibatch labels (groups × capacity)', groups * capacity * 4),
    outLogits: output('logits'),
    outProbs: output('probabilities'),
    outSignals: output('signals'),
    actions: res.storage('actions (u32)', runs * capacity * 4),
    rewards: res.storage('rewards (r, R)', runs * capacity * 8),
  };
}

/** The buffers of createRewardBatchBuffers, to release. */
export function rewardBatchBufferList(a: RewardBatchBuffers): GPUBuffer[] {
  return [a.pixels, a.batchLabels, a.outLogits, a.outProbs, a.outSignals, a.actions, a.rewards];
}

/** The step uniform's binding: the slots' buffer and one slot's size (bound at a dynamic offset). */
export interface StepBinding {
  buffer: GPUBuffer;
  size: number;
}

/**
 * The bind groups of binarize_minibatch over the training and the test images: each group's
 * minibatch (by its permutation and seed) into `pixels` and `batchLabels`.
 * @param layer the uniform of the first weight layer (inWidth = pixels)
 */
export function bindBinarizeGroups(runtime: GpuRuntime, kernel: Kernel, layer: GPUBuffer, step: StepBinding, s: RewardStaticBuffers, a: RewardBatchBuffers): { binarizeTrain: GPUBindGroup; binarizeTest: GPUBindGroup } {
  const binarize = (images: GPUBuffer, labels: GPUBuffer, name: string) =>
    runtime.bind(kernel, `binarize ${name}`, {
      layer,
      step,
      images,
      labels,
      permutation: s.permutation,
      groupSeeds: s.groupSeeds,
      pixelsOut: a.pixels,
      batchLabels: a.batchLabels,
    });
  return { binarizeTrain: binarize(s.trainImages, s.trainLabels, 'train'), binarizeTest: binarize(s.testImages, s.testLabels, 'test') };
}

/**
 * The bind group of softmax_action_reward: the output's logits to probabilities, the sampled
 * action, its reward and the output's signals, reading run states `runs` (training's or an
 * inspection's).
 * @param layer the output layer's uniform
 */
export function bindSoftmaxActionReward(runtime: GpuRuntime, kernel: Kernel, label: string, layer: GPUBuffer, step: StepBinding, runs: GPUBuffer, a: RewardBatchBuffers): GPUBindGroup {
  return runtime.bind(kernel, label, {
    layer,
    step,
    runs,
    logits: a.outLogits,
    batchLabels: a.batchLabels,
    probs: a.outProbs,
    signals: a.outSignals,
    actions: a.actions,
    rewards: a.rewards,
  });
}

/**
 * The bind groups of an update's end: adam_ascent over every run's parameters, and
 * baseline_and_counters (the reward sum, the metric window, finiteness, the running-mean baseline).
 * @param layer a layer uniform of the program (the kernels read only fields every layer uniform shares: paramsPerRun, runs, layers, metricStride, capacity)
 */
export function bindUpdateEnd(runtime: GpuRuntime, kernels: { adam_ascent: Kernel; baseline_and_counters: Kernel }, layer: GPUBuffer, step: StepBinding, s: RewardStaticBuffers, a: RewardBatchBuffers): { adam: GPUBindGroup; counters: GPUBindGroup } {
  return {
    adam: runtime.bind(kernels.adam_ascent, 'adam', { layer, step, runs: s.runs, grads: s.grads, params: s.params, moment1: s.moment1, moment2: s.moment2 }),
    counters: runtime.bind(kernels.baseline_and_counters, 'counters', {
      layer,
      step,
      runs: s.runs,
      rewards: a.rewards,
      variance: s.variance,
      layerSizes: s.layerSizes,
      metrics: s.metrics,
    }),
  };
}
