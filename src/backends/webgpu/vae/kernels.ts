// The VAE program's kernels (docs/math.md §3): the units' kernels it shares with the bandit
// (binarization, affine logits, Bernoulli sampling, weight gradients, gradient variance, Adam)
// and its own, one WGSL file each. The `step` uniform of every kernel is bound with a dynamic
// offset (one slot of the runtime's UniformSlots per update).
import type { Kernel, KernelSpec } from '../runtime/pipelines.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';

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

const COMMON = ['rng.wgsl', 'bandit_common.wgsl'];
const UNITS = [...COMMON, 'precise_math.wgsl', 'bernoulli_units.wgsl'];
const VAE = [...UNITS, 'vae_common.wgsl'];

/** The snippets each kernel file is composed after (in this order). */
export const VAE_INCLUDES: Record<VaeKernelName, string[]> = {
  binarize_minibatch: COMMON,
  affine_logits: [...COMMON, 'affine_tile.wgsl'],
  bernoulli_sample: UNITS,
  bernoulli_antithetic_sample: VAE,
  bernoulli_entropy_sum: VAE,
  bernoulli_log_likelihood: VAE,
  vae_fhnca_signal: VAE,
  vae_score_function_signal: VAE,
  vae_pair_signal: VAE,
  weight_gradient: COMMON,
  gradient_variance: [...COMMON, 'workgroup_sum.wgsl'],
  vae_baselines_and_counters: [...VAE, 'baseline.wgsl'],
  adam_ascent: COMMON,
};

/** TILE × TILE kernels, with the TILE × DEPTH f32 arrays each stages in workgroup memory. */
const TILED: Partial<Record<VaeKernelName, number>> = { affine_logits: 2, weight_gradient: 2 };
/** Invocations per workgroup of the 1-D kernels (their @workgroup_size; default 64). */
const THREADS: Partial<Record<VaeKernelName, number>> = { gradient_variance: 256, vae_baselines_and_counters: 1 };

export type VaeKernelSet = Record<VaeKernelName, Kernel>;

/** The declaration of kernel `name` (`tile`: edge of the tiled kernels' workgroups, `depth`: elements staged per barrier). */
export function vaeKernelSpec(name: VaeKernelName, tile: number, depth: number): KernelSpec {
  const arrays = TILED[name];
  return {
    name,
    includes: VAE_INCLUDES[name],
    dynamicUniforms: ['step'],
    ...(arrays !== undefined
      ? { constants: { TILE: tile, DEPTH: depth }, workgroup: { size: [tile, tile, 1] as const, storageBytes: arrays * tile * depth * 4 } }
      : { workgroup: { size: [THREADS[name] ?? 64, 1, 1] as const } }),
  };
}

/**
 * Every VAE kernel, compiled (or taken from the runtime's cache).
 * @throws EngineError('limits') when a kernel exceeds a device limit (its workgroup, its buffers)
 */
export function createVaeKernels(runtime: GpuRuntime, tile: number, depth: number): VaeKernelSet {
  return runtime.kernels(VAE_KERNEL_NAMES, (name) => vaeKernelSpec(name, tile, depth));
}
