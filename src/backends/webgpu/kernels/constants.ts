// The numbers both the TypeScript side and the WGSL kernels use, written once here (or where the
// model defines them) and generated into every kernel of the catalog as WGSL `const`s
// (kernels/catalog.ts, runtime/shaderModules.ts wgslDefines): no WGSL file declares them.
import type { VaeSignal } from '../../../engine/estimators.ts';
import { MAX_CATEGORIES } from '../../../engine/types.ts';
import { VAE_BOUND_STREAM_BASE } from '../../../models/vae/draws.ts';
import { Stream } from '../../../rng/streams.ts';

/**
 * Invocations per workgroup of the 1-D kernels (WGSL WORKGROUP_SIZE, unless the catalog gives a
 * kernel its own): a grid of n invocations needs ceil(n / LINEAR_WORKGROUP_SIZE) workgroups,
 * folded past the per-dimension limit (runtime/limits.ts foldedGrid; WGSL flatIndex in common.wgsl).
 */
export const LINEAR_WORKGROUP_SIZE = 64;

/** Inputs staged per barrier by the tiled kernels (WGSL DEPTH): TILE × DEPTH f32 per staged operand. */
export const TILE_DEPTH = 64;

/** The most actions (softmax outputs, dataset classes) of a bandit network on the GPU (WGSL MAX_ACTIONS). */
export const MAX_ACTIONS = 64;

/** VaeRunState.signal of each VAE learning signal (WGSL SIGNAL_FHNCA, SIGNAL_SCORE_FUNCTION, …; docs/math.md §3). */
export const VAE_SIGNAL_CODE = { fhnca: 0, 'score-function': 1, 'leave-one-out': 2, disarm: 3 } as const satisfies Record<VaeSignal, number>;

/** `camelCase` or `kebab-case` as a WGSL constant's UPPER_SNAKE_CASE. */
function upperSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase();
}

/**
 * The constants every catalog kernel gets, by WGSL name: the RNG's stream ids
 * (src/rng/streams.ts: STREAM_SHUFFLE, …, STREAM_VAE_BASE; STREAM_VAE_BOUND_BASE from
 * src/models/vae/draws.ts), the VAE's signal codes (SIGNAL_*), MAX_ACTIONS and MAX_CATEGORIES
 * (src/engine/types.ts).
 */
export const SHARED_DEFINES: Readonly<Record<string, number>> = Object.freeze({
  ...Object.fromEntries(Object.entries(Stream).map(([name, id]) => [`STREAM_${upperSnake(name)}`, id])),
  STREAM_VAE_BOUND_BASE: VAE_BOUND_STREAM_BASE,
  ...Object.fromEntries(Object.entries(VAE_SIGNAL_CODE).map(([signal, code]) => [`SIGNAL_${upperSnake(signal)}`, code])),
  MAX_ACTIONS,
  MAX_CATEGORIES,
});
