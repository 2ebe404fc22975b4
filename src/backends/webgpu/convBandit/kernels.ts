// The conv bandit program's kernels (docs/math.md §7.2), declared in the kernel catalog
// (kernels/catalog.ts): the bandit's (binarization, the output layer, HNCA credit from the
// softmax child, signals, gradient, variance, Adam, counters), bernoulli_sample for the
// Bernoulli layer on the trunk's logits, and trunk_gradient_variance to place the trunk layers'
// variance (computed stably with the library's ops, src/trunk/trunkVariance.ts) in the metric's
// layout. The trunk itself runs on tfjs-backend-webgpu (src/trunk).
import type { GpuRuntime } from '../runtime/runtime.ts';
import type { Kernel } from '../runtime/pipelines.ts';
import { compileKernels } from '../kernels/catalog.ts';

/** The kernels that read StepParams at a dynamic offset (one uniform slot per update or evaluation chunk). */
export const CONV_STEP_KERNELS = [
  'binarize_minibatch',
  'bernoulli_sample',
  'affine_logits',
  'softmax_action_reward',
  'softmax_child_credit',
  'learning_signals',
  'weight_gradient',
  'gradient_variance',
  'adam_ascent',
  'baseline_and_counters',
] as const;
/** The kernels of the conv bandit: CONV_STEP_KERNELS and trunk_gradient_variance (LayerParams only, one workgroup per run). */
export type ConvKernelName = (typeof CONV_STEP_KERNELS)[number] | 'trunk_gradient_variance';

/** The compiled kernels of one conv bandit engine, by name. */
export type ConvKernelSet = Record<ConvKernelName, Kernel>;

/**
 * Every kernel of the conv bandit program, compiled (or taken from the runtime's cache);
 * `tile`: edge of the tiled kernels' workgroups, `depth`: elements staged per barrier.
 * @throws EngineError('limits') when a kernel exceeds a device limit (its workgroup, its buffers)
 */
export function createConvKernels(runtime: GpuRuntime, tile: number, depth: number): ConvKernelSet {
  return compileKernels(runtime, [...CONV_STEP_KERNELS, 'trunk_gradient_variance'] as const, { tile, depth });
}
