// The conv bandit program's kernels (docs/math.md §7.2): the bandit's (binarization, the output
// layer, HNCA credit from the softmax child, signals, gradient, variance, Adam, counters), the
// VAE program's bernoulli_sample for the Bernoulli layer on the trunk's logits, and
// trunk_gradient_variance to place the trunk layers' variance (computed stably with the library's
// ops, src/trunk/trunkVariance.ts) in the metric's layout. The trunk itself runs on tfjs-backend-webgpu (src/trunk).
import type { GpuRuntime } from '../runtime/runtime.ts';
import type { Kernel, KernelSpec } from '../runtime/pipelines.ts';
import { kernelSpec } from '../bandit/kernels.ts';
import { vaeKernelSpec } from '../vae/kernels.ts';

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
export type ConvKernelName = (typeof CONV_STEP_KERNELS)[number] | 'trunk_gradient_variance';

/** The compiled kernels of one conv bandit engine, by name. */
export type ConvKernelSet = Record<ConvKernelName, Kernel>;

/** trunk_gradient_variance: LayerParams only (no step uniform), one invocation per run. */
export const TRUNK_VARIANCE_SPEC: KernelSpec = {
  name: 'trunk_gradient_variance',
  includes: ['rng.wgsl', 'bandit_common.wgsl'],
  workgroup: { size: [1, 1, 1] },
};

/**
 * The declaration of kernel `name` (`tile`: edge of the tiled kernels' workgroups; `depth`:
 * elements of the reduced dimension staged per barrier).
 */
export function convKernelSpec(name: ConvKernelName, tile: number, depth: number): KernelSpec {
  if (name === 'trunk_gradient_variance') return TRUNK_VARIANCE_SPEC;
  if (name === 'bernoulli_sample') return vaeKernelSpec('bernoulli_sample', tile, depth);
  return kernelSpec(name, tile, depth);
}

/**
 * Every kernel of the conv bandit program, compiled (or taken from the runtime's cache).
 * @throws EngineError('limits') when a kernel exceeds a device limit (its workgroup, its buffers)
 */
export function createConvKernels(runtime: GpuRuntime, tile: number, depth: number): ConvKernelSet {
  return runtime.kernels([...CONV_STEP_KERNELS, 'trunk_gradient_variance'] as const, (name) => convKernelSpec(name, tile, depth));
}
