// The kernel catalog: every WGSL kernel of every WebGPU program in one table (name → its file,
// its includes, its workgroup, the buffers it reads and writes). A program names the kernels it
// compiles (bandit/kernels.ts, vae/kernels.ts, convBandit/kernels.ts, vaeBound/bound.ts); the
// catalog turns a name and the engine's tuning (tile edge, staging depth, row threads) into a
// KernelSpec whose WGSL gets, generated: WORKGROUP_SIZE (and TILE, DEPTH of the tiled kernels),
// the constants shared with TypeScript (kernels/constants.ts SHARED_DEFINES) and the kernel's
// @binding declarations, typed from one table of uniforms and one of storage buffers (UNIFORMS,
// STORAGE). No WGSL file declares a binding, a workgroup size or a mirrored constant;
// tests/gpu-kernel-catalog.test.ts checks that.
import { EngineError } from '../../../engine/types.ts';
import type { Kernel, KernelSpec } from '../runtime/pipelines.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';
import type { KernelBinding } from '../runtime/shaderModules.ts';
import { LINEAR_WORKGROUP_SIZE, SHARED_DEFINES, TILE_DEPTH } from './constants.ts';

/** The uniforms a kernel may bind, by WGSL name: their struct (declared by the includes). */
const UNIFORMS = {
  /** per update or evaluation chunk, bound at a dynamic offset (one UniformSlots slot), except in the bound */
  step: 'StepParams',
  /** one weight matrix or one layer's dispatch (common.wgsl) */
  layer: 'LayerParams',
  /** one VAE dispatch (vae_common.wgsl) */
  vl: 'VaeLayer',
} as const;

/** The storage buffers a kernel may bind, by WGSL name: one type each, whichever kernel binds it. */
const STORAGE = {
  runs: 'array<RunState>',
  vaeRuns: 'array<VaeRunState>',
  params: 'array<f32>',
  grads: 'array<f32>',
  moment1: 'array<f32>',
  moment2: 'array<f32>',
  /** the trunk layers' gradient variance by shifted sums, [run * (layers − 1) + layer] (src/trunk/trunkVariance.ts) */
  trunkVariance: 'array<f32>',
  inputs: 'array<f32>',
  logits: 'array<f32>',
  probs: 'array<f32>',
  samples: 'array<f32>',
  antithetic: 'array<f32>',
  pairSamples: 'array<f32>',
  parentProbs: 'array<f32>',
  parentSamples: 'array<f32>',
  childLogits: 'array<f32>',
  childSamples: 'array<f32>',
  outLogits: 'array<f32>',
  outProbs: 'array<f32>',
  credit: 'array<f32>',
  logQ: 'array<f32>',
  signals: 'array<f32>',
  /** (reward, learning signal) per example of a run */
  rewards: 'array<vec2f>',
  actions: 'array<u32>',
  variance: 'array<f32>',
  layerSizes: 'array<f32>',
  metrics: 'array<f32>',
  terms: 'array<f32>',
  targets: 'array<f32>',
  gradient: 'array<f32>',
  pixels: 'array<f32>',
  logWeight: 'array<f32>',
  logMeanExp: 'array<f32>',
  /** raw intensities, four bytes per u32 */
  images: 'array<u32>',
  labels: 'array<u32>',
  permutation: 'array<u32>',
  groupSeeds: 'array<u32>',
  pixelsOut: 'array<f32>',
  batchLabels: 'array<u32>',
} as const;

type UniformName = keyof typeof UNIFORMS;
type StorageName = keyof typeof STORAGE;

/**
 * A kernel's invocations per workgroup: a fixed count along x (1-D kernels; default
 * LINEAR_WORKGROUP_SIZE), TILE × TILE with `tiled` TILE × DEPTH f32 arrays in workgroup memory
 * (tiled kernels; TILE and DEPTH from the tuning), or the tuning's row threads along x (one
 * workgroup per row, the bound's row kernels).
 */
type Workgroup = { threads: number; storageBytes?: number } | { tiled: number } | 'rows';

/** One kernel of the catalog. */
interface CatalogEntry {
  /** the WGSL file holding `main` (default `${name}.wgsl`) */
  file?: string;
  /** the kernel's name in labels and messages (default its catalog name) */
  label?: string;
  /** WGSL snippets composed ahead of the file, in order */
  includes: readonly string[];
  workgroup?: Workgroup;
  /** buffers `main` reads (uniforms or storage), bound in this order from binding 0 */
  reads: readonly (UniformName | StorageName)[];
  /** storage buffers `main` writes (read_write), bound after the reads */
  writes: readonly StorageName[];
  /** the step uniform is a whole buffer, not a dynamic-offset slot (the bound's kernels) */
  staticStep?: boolean;
}

/** What every kernel includes: the RNG and the shared declarations (StepParams, LayerParams, RunState, grid decoding). */
const COMMON = ['rng.wgsl', 'common.wgsl'];
/** Bernoulli unit math (src/models/units/bernoulli.ts's twin) and the log1p/expm1 it needs */
const UNITS = [...COMMON, 'precise_math.wgsl', 'bernoulli_units.wgsl'];
/** Categorical unit math (src/models/units/categorical.ts's twin; docs/math.md §7.1) */
const CATEGORICAL = [...COMMON, 'categorical_units.wgsl'];
/** The VAE's own declarations after the units (docs/math.md §3) */
const VAE = [...UNITS, 'vae_common.wgsl'];
/** The importance-weighted bound's one-workgroup-per-row kernels */
const BOUND_ROWS = [...UNITS, 'vae_bound_row_sum.wgsl'];

const REDUCTION = { threads: 256 } as const;

const binarize = { reads: ['layer', 'step', 'images', 'labels', 'permutation', 'groupSeeds'], writes: ['pixelsOut', 'batchLabels'] } as const;
const affine = { workgroup: { tiled: 2 }, reads: ['layer', 'step', 'runs', 'params', 'inputs'], writes: ['logits'] } as const;

/** Every kernel, by name. */
export const CATALOG = {
  // the bandit (docs/math.md §2), whose kernels the VAE and the conv bandit reuse
  binarize_minibatch: { includes: COMMON, ...binarize },
  affine_logits: { includes: [...COMMON, 'affine_tile.wgsl'], ...affine },
  affine_bernoulli_sample: { includes: [...UNITS, 'affine_tile.wgsl'], ...affine, writes: ['logits', 'probs', 'samples'] },
  bernoulli_sample: { includes: UNITS, reads: ['layer', 'step', 'runs', 'logits'], writes: ['probs', 'samples'] },
  softmax_action_reward: { includes: COMMON, reads: ['layer', 'step', 'runs', 'logits', 'batchLabels'], writes: ['probs', 'signals', 'actions', 'rewards'] },
  bernoulli_children_credit: {
    includes: UNITS,
    workgroup: { tiled: 3 },
    reads: ['layer', 'step', 'params', 'parentProbs', 'parentSamples', 'childLogits', 'childSamples'],
    writes: ['credit'],
  },
  softmax_child_credit: { includes: UNITS, reads: ['layer', 'step', 'params', 'parentProbs', 'parentSamples', 'outProbs', 'actions', 'outLogits'], writes: ['credit'] },
  learning_signals: { includes: UNITS, reads: ['layer', 'step', 'runs', 'rewards', 'probs', 'samples', 'credit'], writes: ['signals'] },
  weight_gradient: { includes: COMMON, workgroup: { tiled: 2 }, reads: ['layer', 'step', 'runs', 'inputs', 'signals'], writes: ['grads'] },
  gradient_variance: { includes: [...COMMON, 'workgroup_sum.wgsl'], workgroup: REDUCTION, reads: ['layer', 'step', 'runs', 'inputs', 'signals', 'grads'], writes: ['variance'] },
  adam_ascent: { includes: COMMON, reads: ['layer', 'step', 'runs', 'grads'], writes: ['params', 'moment1', 'moment2'] },
  baseline_and_counters: { includes: [...COMMON, 'baseline.wgsl', 'workgroup_sum.wgsl'], reads: ['layer', 'step', 'rewards', 'variance', 'layerSizes'], writes: ['runs', 'metrics'] },
  // categorical hidden units (docs/math.md §7.1)
  categorical_sample: { includes: CATEGORICAL, reads: ['layer', 'step', 'runs', 'logits'], writes: ['probs', 'samples'] },
  categorical_children_log_q: { includes: CATEGORICAL, reads: ['layer', 'step', 'runs', 'params', 'parentSamples', 'childLogits', 'childSamples'], writes: ['logQ'] },
  categorical_softmax_log_q: { includes: CATEGORICAL, reads: ['layer', 'step', 'runs', 'params', 'parentSamples', 'outLogits', 'actions'], writes: ['logQ'] },
  categorical_credit: { includes: CATEGORICAL, reads: ['layer', 'step', 'runs', 'logits', 'logQ'], writes: ['credit'] },
  categorical_signals: { includes: CATEGORICAL, reads: ['layer', 'step', 'runs', 'rewards', 'probs', 'samples', 'credit'], writes: ['signals'] },
  categorical_input_gradient: {
    includes: CATEGORICAL,
    // phiTile: one u32 per invocation
    workgroup: { threads: LINEAR_WORKGROUP_SIZE, storageBytes: LINEAR_WORKGROUP_SIZE * 4 },
    reads: ['layer', 'step', 'inputs', 'signals'],
    writes: ['grads'],
  },
  // the discrete VAE (docs/math.md §3)
  bernoulli_antithetic_sample: { includes: VAE, reads: ['layer', 'step', 'runs', 'vaeRuns', 'logits'], writes: ['samples', 'antithetic'] },
  bernoulli_entropy_sum: { includes: VAE, reads: ['vl', 'step', 'logits'], writes: ['terms'] },
  bernoulli_log_likelihood: { includes: VAE, reads: ['vl', 'step', 'vaeRuns', 'logits', 'targets'], writes: ['terms', 'gradient'] },
  vae_fhnca_signal: { includes: VAE, reads: ['vl', 'step', 'vaeRuns', 'params', 'logits', 'samples', 'pixels', 'terms'], writes: ['signals', 'targets'] },
  vae_score_function_signal: { includes: VAE, reads: ['vl', 'step', 'vaeRuns', 'logits', 'samples', 'terms'], writes: ['signals', 'targets'] },
  vae_pair_signal: { includes: VAE, reads: ['vl', 'step', 'vaeRuns', 'logits', 'samples', 'pairSamples', 'terms'], writes: ['signals', 'targets'] },
  vae_baselines_and_counters: { includes: [...VAE, 'baseline.wgsl'], workgroup: { threads: 1 }, reads: ['vl', 'step', 'terms', 'targets', 'variance'], writes: ['runs', 'vaeRuns', 'metrics'] },
  // the conv bandit's trunk layers (docs/math.md §7.2): LayerParams only, one invocation per run
  trunk_gradient_variance: { includes: COMMON, workgroup: { threads: 1 }, reads: ['layer', 'trunkVariance'], writes: ['variance'] },
  // the VAE's importance-weighted bound (docs/math.md §3 test metric): two reused kernels with a whole step buffer, three of its own
  vae_bound_binarize_minibatch: { file: 'binarize_minibatch.wgsl', label: 'binarize_minibatch (bound)', includes: COMMON, staticStep: true, ...binarize },
  vae_bound_affine_logits: { file: 'affine_logits.wgsl', label: 'affine_logits (bound)', includes: [...COMMON, 'affine_tile.wgsl'], staticStep: true, ...affine },
  vae_bound_encoder_sample: { includes: BOUND_ROWS, workgroup: 'rows', staticStep: true, reads: ['layer', 'step', 'logits'], writes: ['samples', 'logWeight'] },
  vae_bound_decoder_log_prob: { includes: BOUND_ROWS, workgroup: 'rows', staticStep: true, reads: ['layer', 'step', 'params', 'logits', 'targets'], writes: ['logWeight'] },
  vae_bound_log_mean_exp: { includes: BOUND_ROWS, workgroup: 'rows', staticStep: true, reads: ['step', 'logWeight'], writes: ['logMeanExp'] },
} as const satisfies Record<string, CatalogEntry>;

/** The name of a kernel of the catalog. */
export type CatalogName = keyof typeof CATALOG;

/** The buffers kernel `N` binds, by WGSL name (what runtime.bind needs for it). */
export type KernelBindingName<N extends CatalogName> = (typeof CATALOG)[N]['reads'][number] | (typeof CATALOG)[N]['writes'][number];

/** How an engine sizes the kernels whose workgroup depends on the device. */
export interface KernelTuning {
  /** edge of the TILE × TILE workgroups of the tiled kernels (WGSL TILE) */
  tile: number;
  /** inputs staged per barrier by the tiled kernels (WGSL DEPTH; default TILE_DEPTH) */
  depth?: number;
  /** invocations per row of the bound's row kernels, a power of two (vaeBound/plan.ts MAX_ROW_THREADS) */
  rowThreads?: number;
}

/** The generated binding declarations of a catalog entry, reads then writes. */
function bindingsOf(entry: CatalogEntry): KernelBinding[] {
  const bindings: KernelBinding[] = entry.reads.map((name) => (name in UNIFORMS ? { name, type: UNIFORMS[name as UniformName], access: 'uniform' } : { name, type: STORAGE[name as StorageName], access: 'read' }));
  for (const name of entry.writes) bindings.push({ name, type: STORAGE[name], access: 'read_write' });
  return bindings;
}

/**
 * The declaration of catalog kernel `name` for an engine's tuning: its file and includes, its
 * generated constants (WORKGROUP_SIZE, TILE and DEPTH of a tiled kernel, SHARED_DEFINES) and
 * bindings, its workgroup (checked against the device's limits when compiled) and its dynamic
 * step uniform.
 * @throws EngineError('internal') for a row kernel without `tuning.rowThreads`
 */
export function kernelSpec(name: CatalogName, tuning: KernelTuning): KernelSpec {
  const entry: CatalogEntry = CATALOG[name];
  const wg = entry.workgroup ?? { threads: LINEAR_WORKGROUP_SIZE };
  let size: readonly [number, number, number];
  let storageBytes: number | undefined;
  let defines: Record<string, number>;
  if (wg === 'rows') {
    if (tuning.rowThreads === undefined) throw new EngineError(`WebGPU engine: kernel ${name} needs the tuning's rowThreads`, 'internal');
    size = [tuning.rowThreads, 1, 1];
    defines = { WORKGROUP_SIZE: tuning.rowThreads };
  } else if ('tiled' in wg) {
    const { tile } = tuning;
    const depth = tuning.depth ?? TILE_DEPTH;
    size = [tile, tile, 1];
    storageBytes = wg.tiled * tile * depth * 4;
    defines = { WORKGROUP_SIZE: tile, TILE: tile, DEPTH: depth };
  } else {
    size = [wg.threads, 1, 1];
    storageBytes = wg.storageBytes;
    defines = { WORKGROUP_SIZE: wg.threads };
  }
  const bindings = bindingsOf(entry);
  return {
    name: entry.label ?? name,
    file: entry.file ?? `${name}.wgsl`,
    includes: entry.includes,
    defines: { ...defines, ...SHARED_DEFINES },
    bindings,
    dynamicUniforms: !entry.staticStep && bindings.some((b) => b.name === 'step') ? ['step'] : [],
    workgroup: storageBytes === undefined ? { size } : { size, storageBytes },
  };
}

/**
 * The kernels `names` of the catalog, compiled for `tuning` (or taken from the runtime's cache), by name.
 * @throws EngineError('limits') when a kernel exceeds a device limit (its workgroup, its buffers)
 */
export function compileKernels<N extends CatalogName>(runtime: GpuRuntime, names: readonly N[], tuning: KernelTuning): Record<N, Kernel> {
  return runtime.kernels(names, (name) => kernelSpec(name, tuning));
}
