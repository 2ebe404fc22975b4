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

/** A uniform source that forces every hidden sample (bits[layer][unit]) and the action. */
export class ForcedSource implements UniformSource {
  constructor(
    private readonly bits: readonly (readonly number[])[],
    private readonly forcedAction: number,
  ) {}
  hidden(layer: number, _example: number, unit: number): number {
    // u = 0 is below every clipped p (so φ = 1); u = 1 − 2^-24 is above every clipped p
    return this.bits[layer][unit] ? 0 : 1 - 2 ** -24;
  }
  action(_example: number, probs: Float64Array, base: number): number {
    let below = 0;
    for (let k = 0; k < this.forcedAction; k++) below += probs[base + k];
    return below + probs[base + this.forcedAction] / 2;
  }
}

/** Every assignment of the hidden units: bits[layer][unit] for config 0 … 2^(Σ widths) − 1. */
export function* hiddenConfigurations(hiddenWidths: readonly number[]): Generator<number[][]> {
  const total = hiddenWidths.reduce((a, b) => a + b, 0);
  for (let config = 0; config < 2 ** total; config++) {
    const bits: number[][] = [];
    let offset = 0;
    for (const w of hiddenWidths) {
      bits.push(Array.from({ length: w }, (_, i) => Math.floor(config / 2 ** (offset + i)) % 2));
      offset += w;
    }
    yield bits;
  }
}
