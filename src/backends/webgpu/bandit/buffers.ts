// Buffers and bind groups of the WebGPU bandit program (docs/math.md §2). Layouts (see shaders/common.wgsl):
//   params, grads, moment1, moment2: runs × paramsPerRun f32; per run [W_0, b_0, W_1, b_1, …],
//     W_k input-major (W[j*out + i]), b_k right after W_k
//   per hidden layer l: logits, probs, samples (0/1), credit, signals: runs × capacity × width
//     (categorical units, docs/math.md §7.1: width = U·N, samples one-hot, credit the hindsight
//     posterior per value, and logQ, log Q_i(v) − log Q_i(φ_i) per value, nats)
//   output: logits, probs, signals: runs × capacity × actions; actions (u32) and rewards
//     (vec2: r, R) runs × capacity
//   pixels (0/1 f32): groups × capacity × pixels; batchLabels (u32): groups × capacity
//   permutation (u32): groups × trainCount, the current epoch's order of each seed group
//   variance: runs × layers; metrics: runs × (4 + layers) (window sums, see baseline_and_counters.wgsl)
import type { Dataset } from '../../../data/dataset.ts';
import { bindBinarizeGroups, bindSoftmaxActionReward, bindUpdateEnd, createRewardBatchBuffers, createRewardStaticBuffers, rewardBatchBufferList, type RewardBatchBuffers, type RewardStaticBuffers } from '../rewardBuffers.ts';
import type { GpuResources } from '../runtime/resources.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';
import { kernelOf, type KernelSet } from './kernels.ts';

/** Sizes of the bandit program's buffers (all counts, no bytes). */
export interface BanditDims {
  runs: number;
  groups: number;
  /** [pixels, hidden…, actions] */
  sizes: number[];
  capacity: number;
  paramsPerRun: number;
  /** offset of W_k in a run's block */
  offsets: number[];
  metricStride: number;
  /** N of categorical hidden units (docs/math.md §7.1), 0 for Bernoulli units */
  categories: number;
}

/**
 * The dims of `runs` runs in `groups` seed groups, layer sizes `sizes` (U·N per categorical
 * layer), `capacity` examples per batch, `categories` N of categorical units (0: Bernoulli).
 */
export function banditDims(runs: number, groups: number, sizes: number[], capacity: number, categories = 0): BanditDims {
  const offsets: number[] = [];
  let p = 0;
  for (let k = 0; k + 1 < sizes.length; k++) {
    offsets.push(p);
    p += (sizes[k] + 1) * sizes[k + 1];
  }
  return { runs, groups, sizes, capacity, paramsPerRun: p, offsets, metricStride: 4 + sizes.length - 1, categories };
}

/** Buffers that live as long as the engine (the reward-trained programs' set, ../rewardBuffers.ts). */
export type StaticBuffers = RewardStaticBuffers;

/** Buffers sized by the batch capacity (recreated when the batch grows past it). */
export interface ActivationBuffers extends RewardBatchBuffers {
  logits: GPUBuffer[];
  probs: GPUBuffer[];
  samples: GPUBuffer[];
  credit: GPUBuffer[];
  signals: GPUBuffer[];
  /** categorical units only (else empty): per hidden layer log Q_i(v) − log Q_i(φ_i) [runs × capacity × U·N] */
  logQ: GPUBuffer[];
}

/** The buffers that live as long as the engine, filled with the data, run states and initial parameters. */
export function createStaticBuffers(res: GpuResources, dims: BanditDims, data: Dataset, runStates: ArrayBuffer, groupSeeds: Uint32Array, initialParams: Float32Array): StaticBuffers {
  const { sizes } = dims;
  return createRewardStaticBuffers(res, dims, sizes.slice(0, -1), sizes.slice(1), data, runStates, groupSeeds, initialParams);
}

/** The buffers sized by dims.capacity (uninitialised; every kernel writes before it reads). */
export function createActivationBuffers(res: GpuResources, dims: BanditDims): ActivationBuffers {
  const { runs, groups, capacity, sizes } = dims;
  const hidden = sizes.slice(1, -1);
  const actions = sizes[sizes.length - 1];
  const perLayer = (name: string) => hidden.map((w, l) => res.storage(`hidden ${l + 1} ${name} (runs × capacity × ${w})`, runs * capacity * w * 4));
  return {
    ...createRewardBatchBuffers(res, { runs, groups, capacity, pixels: sizes[0], actions }),
    logits: perLayer('logits'),
    probs: perLayer('probabilities'),
    samples: perLayer('samples'),
    credit: perLayer('credit'),
    signals: perLayer('signals'),
    logQ: dims.categories ? perLayer('log Q per value (nats)') : [],
  };
}

/** Destroys the activation buffers (before a larger capacity replaces them). */
export function releaseActivationBuffers(res: GpuResources, a: ActivationBuffers): void {
  for (const b of [...rewardBatchBufferList(a), ...a.logits, ...a.probs, ...a.samples, ...a.credit, ...a.signals, ...a.logQ]) res.release(b);
}

/** Every bind group of one update, per layer where it differs. */
export interface BanditBindGroups {
  binarizeTrain: GPUBindGroup;
  binarizeTest: GPUBindGroup;
  /** per weight matrix k: affine_bernoulli_sample for Bernoulli hidden layers, affine_logits for categorical ones and for the output layer (the last) */
  affine: GPUBindGroup[];
  /** categorical units only (else empty): per hidden layer, its categorical_sample kernel */
  sample: GPUBindGroup[];
  softmax: GPUBindGroup;
  /** per hidden layer: its children's credit kernel (categorical units: the posterior kernel) */
  credit: GPUBindGroup[];
  /** categorical units only (else empty): per hidden layer, its children's log Q kernel */
  logQ: GPUBindGroup[];
  signals: GPUBindGroup[];
  /** per weight matrix k: weight_gradient, or categorical_input_gradient for a matrix fed by categorical units */
  gradient: GPUBindGroup[];
  variance: GPUBindGroup[];
  adam: GPUBindGroup;
  counters: GPUBindGroup;
}

/**
 * Every bind group of one update over the given buffers (the step uniform at a dynamic offset);
 * `oneHotGradients`: matrices fed by categorical units get categorical_input_gradient's (else weight_gradient's).
 */
export function createBindGroups(
  runtime: GpuRuntime,
  kernels: KernelSet,
  dims: BanditDims,
  s: StaticBuffers,
  a: ActivationBuffers,
  layerUniforms: GPUBuffer[],
  stepUniform: { buffer: GPUBuffer; size: number },
  oneHotGradients = true,
): BanditBindGroups {
  const layers = dims.sizes.length - 1;
  const hidden = layers - 1;
  const step = stepUniform;
  const inputOf = (k: number) => (k === 0 ? a.pixels : a.samples[k - 1]);
  const signalOf = (k: number) => (k === hidden ? a.outSignals : a.signals[k]);
  // layer k's gradient and its variance read the same inputs, signals and gradient buffer
  const gradientBindings = (k: number) => ({ layer: layerUniforms[k], step, runs: s.runs, inputs: inputOf(k), signals: signalOf(k), grads: s.grads });
  const logitsOf = (k: number) => (k === hidden ? a.outLogits : a.logits[k]);
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const categorical = dims.categories > 0 ? categoricalBindGroups(runtime, kernels, dims, s, a, layerUniforms, stepUniform) : undefined;
  return {
    ...bindBinarizeGroups(runtime, kernels.binarize_minibatch, layerUniforms[0], step, s, a),
    // Bernoulli hidden layers: the product and the sampling in one kernel; categorical hidden layers and the output layer: logits only
    affine: range(layers).map((k) =>
      k < hidden && !categorical
        ? runtime.bind(kernels.affine_bernoulli_sample, `affine and sample ${k}`, { layer: layerUniforms[k], step, runs: s.runs, params: s.params, inputs: inputOf(k), logits: logitsOf(k), probs: a.probs[k], samples: a.samples[k] })
        : runtime.bind(kernels.affine_logits, `affine ${k}`, { layer: layerUniforms[k], step, runs: s.runs, params: s.params, inputs: inputOf(k), logits: logitsOf(k) }),
    ),
    sample: categorical?.sample ?? [],
    softmax: bindSoftmaxActionReward(runtime, kernels.softmax_action_reward, 'softmax', layerUniforms[hidden], step, s.runs, a),
    logQ: categorical?.logQ ?? [],
    credit: categorical?.credit ?? range(hidden).map((l) =>
      l === hidden - 1
        ? runtime.bind(kernels.softmax_child_credit, `credit ${l}`, {
            layer: layerUniforms[l + 1],
            step,
            runs: s.runs,
            params: s.params,
            parentProbs: a.probs[l],
            parentSamples: a.samples[l],
            outProbs: a.outProbs,
            outLogits: a.outLogits,
            actions: a.actions,
            credit: a.credit[l],
          })
        : runtime.bind(kernels.bernoulli_children_credit, `credit ${l}`, {
            layer: layerUniforms[l + 1],
            step,
            runs: s.runs,
            params: s.params,
            parentProbs: a.probs[l],
            parentSamples: a.samples[l],
            childLogits: a.logits[l + 1],
            childSamples: a.samples[l + 1],
            credit: a.credit[l],
          }),
    ),
    signals: categorical?.signals ?? range(hidden).map((l) =>
      runtime.bind(kernels.learning_signals, `signals ${l}`, {
        layer: layerUniforms[l],
        step,
        runs: s.runs,
        rewards: a.rewards,
        probs: a.probs[l],
        samples: a.samples[l],
        credit: a.credit[l],
        signals: a.signals[l],
      }),
    ),
    // a layer fed by categorical units sums its gradient by their one-hot values (categorical_input_gradient)
    gradient: range(layers).map((k) =>
      runtime.bind(k > 0 && categorical && oneHotGradients ? kernelOf(kernels, 'categorical_input_gradient') : kernels.weight_gradient, `gradient ${k}`, gradientBindings(k)),
    ),
    variance: range(layers).map((k) => runtime.bind(kernels.gradient_variance, `variance ${k}`, { ...gradientBindings(k), variance: s.variance })),
    ...bindUpdateEnd(runtime, kernels, layerUniforms[0], step, s, a),
  };
}

/**
 * The per-hidden-layer bind groups of categorical units (docs/math.md §7.1): sampling, log Q from
 * the children (the next layer's logits and samples, or the output logits and actions), the
 * posterior, and the signals.
 * @throws EngineError('internal') when the categorical kernels were not compiled
 */
function categoricalBindGroups(
  runtime: GpuRuntime,
  kernels: KernelSet,
  dims: BanditDims,
  s: StaticBuffers,
  a: ActivationBuffers,
  layerUniforms: GPUBuffer[],
  step: { buffer: GPUBuffer; size: number },
): Pick<BanditBindGroups, 'sample' | 'logQ' | 'credit' | 'signals'> {
  const hidden = dims.sizes.length - 2;
  const layers = Array.from({ length: hidden }, (_, l) => l);
  return {
    sample: layers.map((l) =>
      runtime.bind(kernelOf(kernels, 'categorical_sample'), `categorical sample ${l}`, { layer: layerUniforms[l], step, runs: s.runs, logits: a.logits[l], probs: a.probs[l], samples: a.samples[l] }),
    ),
    logQ: layers.map((l) =>
      l === hidden - 1
        ? runtime.bind(kernelOf(kernels, 'categorical_softmax_log_q'), `categorical log Q ${l}`, {
            layer: layerUniforms[l + 1],
            step,
            runs: s.runs,
            params: s.params,
            parentSamples: a.samples[l],
            outLogits: a.outLogits,
            actions: a.actions,
            logQ: a.logQ[l],
          })
        : runtime.bind(kernelOf(kernels, 'categorical_children_log_q'), `categorical log Q ${l}`, {
            layer: layerUniforms[l + 1],
            step,
            runs: s.runs,
            params: s.params,
            parentSamples: a.samples[l],
            childLogits: a.logits[l + 1],
            childSamples: a.samples[l + 1],
            logQ: a.logQ[l],
          }),
    ),
    credit: layers.map((l) =>
      runtime.bind(kernelOf(kernels, 'categorical_credit'), `categorical credit ${l}`, { layer: layerUniforms[l], step, runs: s.runs, logits: a.logits[l], logQ: a.logQ[l], credit: a.credit[l] }),
    ),
    signals: layers.map((l) =>
      runtime.bind(kernelOf(kernels, 'categorical_signals'), `categorical signals ${l}`, {
        layer: layerUniforms[l],
        step,
        runs: s.runs,
        rewards: a.rewards,
        probs: a.probs[l],
        samples: a.samples[l],
        credit: a.credit[l],
        signals: a.signals[l],
      }),
    ),
  };
}
