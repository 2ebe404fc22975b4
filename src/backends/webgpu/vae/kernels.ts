// The VAE program's kernels (docs/math.md §3), declared in the kernel catalog
// (kernels/catalog.ts): the units' kernels it shares with the bandit (binarization, affine
// logits, Bernoulli sampling, weight gradients, gradient variance, Adam) and its own. The `step`
// uniform of every kernel is bound with a dynamic offset (one slot of the runtime's
// UniformSlots per update).
import type { Kernel } from '../runtime/pipelines.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';
import { compileKernels } from '../kernels/catalog.ts';

export const VAE_KERNEL_NAMES = [
  'binarize_minibatch',
  'affine_logits',
  'bernoulli_sample',
  'bernoulli_antithetic_sample',
  'bernoulli_entropy_sum',
  'bernoulli_log_likelihood',
  'vae_fhnca_signal',
  'vae_score_function_signal',
  'vae_pair_signal',
  'weight_gradient',
  'gradient_variance',
  'vae_baselines_and_counters',
  'adam_ascent',
] as const;
export type VaeKernelName = (typeof VAE_KERNEL_NAMES)[number];

export type VaeKernelSet = Record<VaeKernelName, Kernel>;

/**
 * Every VAE kernel, compiled (or taken from the runtime's cache); `tile`: edge of the tiled
 * kernels' workgroups, `depth`: elements staged per barrier.
 * @throws EngineError('limits') when a kernel exceeds a device limit (its workgroup, its buffers)
 */
export function createVaeKernels(runtime: GpuRuntime, tile: number, depth: number): VaeKernelSet {
  return compileKernels(runtime, VAE_KERNEL_NAMES, { tile, depth });
}
