// The bandit program's kernels (docs/math.md §2), declared in the kernel catalog
// (kernels/catalog.ts). The `step` uniform of every kernel is bound with a dynamic offset (one
// slot of the runtime's UniformSlots per update or evaluation chunk).
import { EngineError } from '../../../engine/types.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';
import type { Kernel } from '../runtime/pipelines.ts';
import { compileKernels } from '../kernels/catalog.ts';
import { TILE_DEPTH } from '../kernels/constants.ts';

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
 * Every bandit kernel, compiled (or taken from the runtime's cache); with `categorical` also
 * the kernels of categorical hidden units (docs/math.md §7.1). `tile`: edge of the TILE × TILE
 * workgroups of the tiled kernels; `depth`: elements of the reduced dimension staged per barrier.
 * @throws EngineError('limits') when a kernel exceeds a device limit (its workgroup, its buffers)
 */
export function createKernels(runtime: GpuRuntime, tile: number, depth = TILE_DEPTH, categorical = false): KernelSet {
  const tuning = { tile, depth };
  return { ...compileKernels(runtime, KERNEL_NAMES, tuning), ...(categorical ? compileKernels(runtime, CATEGORICAL_KERNEL_NAMES, tuning) : {}) };
}
