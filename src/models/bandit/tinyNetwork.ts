// Tiny bandit problems for the classroom: one fixed 0/1 input, a reward per action, and
// helpers to feed them through the engine's BanditRun (one-example input, forced samples,
// flat copies of parameters and gradients).
import { allocSparseRows, type SparseBinaryRows } from '../../data/minibatch.ts';
import type { UniformSource } from './forward.ts';
import type { BanditParameters, BanditShape } from './parameters.ts';

export interface TinyProblem {
  shape: BanditShape;
  /** the 0/1 input (context) */
  x: number[];
  /** reward r(a) of each action */
  rewards: number[];
}

/** One example in the engine's sparse form. */
export function sparseRow(x: readonly number[]): SparseBinaryRows {
  const rows = allocSparseRows(1, x.length);
  let k = 0;
  x.forEach((v, j) => {
    if (v) rows.onIndex[k++] = j;
  });
  rows.onStart[0] = 0;
  rows.onStart[1] = k;
  rows.count = 1;
  return rows;
}

export function parameterCount(params: BanditParameters): number {
  return params.tensors.reduce((n, t) => n + t.size, 0);
}

/** Flat float64 copy of all parameter values, in params.tensors order ([W0, b0, W1, b1, …]). */
export function flattenValues(params: BanditParameters): Float64Array {
  const out = new Float64Array(parameterCount(params));
  let o = 0;
  for (const t of params.tensors) for (let e = 0; e < t.size; e++) out[o++] = t.value[e];
  return out;
}

/** Copies the engine's gradient buffers into `out` (flat, params.tensors order). */
export function flattenGradients(params: BanditParameters, out: Float64Array = new Float64Array(parameterCount(params))): Float64Array {
  let o = 0;
  for (const t of params.tensors) for (let e = 0; e < t.size; e++) out[o++] = t.grad[e];
  return out;
}

/** Writes flat values into the parameters (stored as float32 by the engine). */
export function assignValues(params: BanditParameters, flat: ArrayLike<number>): void {
  let o = 0;
  for (const t of params.tensors) for (let e = 0; e < t.size; e++) t.value[e] = flat[o++];
}

/**
 * A uniform source that forces every hidden sample (bits[layer][unit]: φ ∈ {0, 1} of a
 * Bernoulli unit, or the value index of a categorical unit, docs/math.md §7.1) and the action.
 */
export class ForcedSource implements UniformSource {
  constructor(
    private readonly bits: readonly (readonly number[])[],
    private readonly forcedAction: number,
  ) {}
  hidden(layer: number, _example: number, unit: number, _width: number, probs?: Float64Array, base = 0, count = 0): number {
    const value = this.bits[layer][unit];
    // a categorical unit: the middle of its value's interval of the inverse CDF
    if (probs && count > 0) return middleOf(probs, base, value);
    // u = 0 is below every clipped p (so φ = 1); u = 1 − 2^-24 is above every clipped p
    return value ? 0 : 1 - 2 ** -24;
  }
  action(_example: number, probs: Float64Array, base: number): number {
    return middleOf(probs, base, this.forcedAction);
  }
}

/** The middle of value v's interval [Σ_{k<v} p_k, Σ_{k≤v} p_k) of probs[base..] (inverse-CDF sampling). */
function middleOf(probs: Float64Array, base: number, v: number): number {
  let below = 0;
  for (let k = 0; k < v; k++) below += probs[base + k];
  return below + probs[base + v] / 2;
}

/**
 * Every assignment of the hidden units: bits[layer][unit] ∈ 0..valueCount−1 for config
 * 0 … valueCount^(Σ units) − 1 (valueCount 2: Bernoulli units; N: categorical units).
 */
export function* hiddenConfigurations(hiddenUnits: readonly number[], valueCount = 2): Generator<number[][]> {
  const total = hiddenUnits.reduce((a, b) => a + b, 0);
  for (let config = 0; config < valueCount ** total; config++) {
    const bits: number[][] = [];
    let offset = 0;
    for (const w of hiddenUnits) {
      bits.push(Array.from({ length: w }, (_, i) => Math.floor(config / valueCount ** (offset + i)) % valueCount));
      offset += w;
    }
    yield bits;
  }
}
