// The bandit program's kernels (docs/math.md §2): one WGSL file each, with the shared snippets it
// includes. The `step` uniform of every kernel is bound with a dynamic offset (one slot of the
// runtime's UniformSlots per update or evaluation chunk).
import { EngineError } from '../../../engine/types.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';
import type { Kernel, KernelSpec } from '../runtime/pipelines.ts';

export const KERNEL_NAMES = [
  'binarize_minibatch',
  'affine_logits',
  'affine_bernoulli_sample',
  'softmax_action_reward',
  'bernoulli_children_credit',
  'softmax_child_credit',
  'learning_signals',
  'weight_gradient',
  'gradient_variance',
  'adam_ascent',
  'baseline_and_counters',
] as const;
/**
 * The kernels of categorical hidden units (docs/math.md §7.1), compiled only for a network of them;
 * they replace bernoulli_sample, the two Bernoulli credit kernels and learning_signals, and
 * weight_gradient for the layers they feed (categorical_input_gradient).
 */
export const CATEGORICAL_KERNEL_NAMES = ['categorical_sample', 'categorical_children_log_q', 'categorical_softmax_log_q', 'categorical_credit', 'categorical_signals', 'categorical_input_gradient'] as const;
export type CategoricalKernelName = (typeof CATEGORICAL_KERNEL_NAMES)[number];
export type KernelName = (typeof KERNEL_NAMES)[number] | CategoricalKernelName;

const COMMON = ['rng.wgsl', 'bandit_common.wgsl'];
/** Bernoulli unit math (src/models/units/bernoulli.ts's twin) and the log1p/expm1 it needs */
const UNITS = [...COMMON, 'precise_math.wgsl', 'bernoulli_units.wgsl'];

/** Categorical unit math (src/models/units/categorical.ts's twin) */
const CATEGORICAL = [...COMMON, 'categorical_units.wgsl'];

/** The snippets each kernel file is composed after (in this order). */
export const INCLUDES: Record<KernelName, string[]> = {
  binarize_minibatch: COMMON,
  affine_logits: [...COMMON, 'affine_tile.wgsl'],
  affine_bernoulli_sample: [...UNITS, 'affine_tile.wgsl'],
  softmax_action_reward: COMMON,
  bernoulli_children_credit: UNITS,
  softmax_child_credit: UNITS,
  learning_signals: UNITS,
  weight_gradient: COMMON,
  gradient_variance: [...COMMON, 'workgroup_sum.wgsl'],
  adam_ascent: COMMON,
  baseline_and_counters: [...COMMON, 'baseline.wgsl', 'workgroup_sum.wgsl'],
  categorical_sample: CATEGORICAL,
  categorical_children_log_q: CATEGORICAL,
  categorical_softmax_log_q: CATEGORICAL,
  categorical_credit: CATEGORICAL,
  categorical_signals: CATEGORICAL,
  categorical_input_gradient: CATEGORICAL,
};

/** TILE × TILE kernels, with the TILE × DEPTH f32 arrays each stages in workgroup memory. */
const TILED: Partial<Record<KernelName, number>> = { affine_logits: 2, affine_bernoulli_sample: 2, bernoulli_children_credit: 3, weight_gradient: 2 };
/** Invocations per workgroup of the 1-D kernels (their @workgroup_size). */
const THREADS: Partial<Record<KernelName, number>> = { gradient_variance: 256 };
/** Workgroup memory of the 1-D kernels that use it (bytes). */
const WORKGROUP_BYTES: Partial<Record<KernelName, number>> = { categorical_input_gradient: 64 * 4 };

/** The compiled kernels of one bandit engine, by name (the categorical ones only for categorical units). */
export type KernelSet = Record<(typeof KERNEL_NAMES)[number], Kernel> & Partial<Record<CategoricalKernelName, Kernel>>;

/**
 * Kernel `name` of `kernels`.
 * @throws EngineError('internal') when it was not compiled (a categorical kernel in a Bernoulli engine: a program bug)
 */
export function kernelOf(kernels: KernelSet, name: KernelName): Kernel {
  const kernel = kernels[name];
  if (!kernel) throw new EngineError(`WebGPU bandit program: kernel ${name} was not compiled for this network`, 'internal');
  return kernel;
}

/**
 * The declaration of kernel `name`. `tile`: edge of the TILE × TILE workgroups of the tiled
 * kernels; `depth`: elements of the reduced dimension staged per barrier (TILE × DEPTH floats
 * per operand in workgroup memory).
 */
export function kernelSpec(name: KernelName, tile: number, depth = 64): KernelSpec {
  const arrays = TILED[name];
  return {
    name,
    includes: INCLUDES[name],
    dynamicUniforms: ['step'],
    ...(arrays !== undefined
      ? { constants: { TILE: tile, DEPTH: depth }, workgroup: { size: [tile, tile, 1] as const, storageBytes: arrays * tile * depth * 4 } }
      : { workgroup: { size: [THREADS[name] ?? 64, 1, 1] as const, storageBytes: WORKGROUP_BYTES[name] } }),
  };
}

/**
 * Every bandit kernel, compiled (or taken from the runtime's cache); with `categorical` also
 * the kernels of categorical hidden units (docs/math.md §7.1).
 * @throws EngineError('limits') when a kernel exceeds a device limit (its workgroup, its buffers)
 */
export function createKernels(runtime: GpuRuntime, tile: number, depth = 64, categorical = false): KernelSet {
  const spec = (name: KernelName) => kernelSpec(name, tile, depth);
  return { ...runtime.kernels(KERNEL_NAMES, spec), ...(categorical ? runtime.kernels(CATEGORICAL_KERNEL_NAMES, spec) : {}) };
}
