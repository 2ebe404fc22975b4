// Tiny bandit networks and exact enumeration (docs/math.md §5): E[r] as a finite sum, its
// finite-difference gradient, and the exact expectation and variance of an estimator
// computed by forcing every hidden configuration and action through the engine's own code.
import { flattenValues, sparseRow, type TinyProblem } from '../../src/models/bandit/tinyNetwork.ts';
import { exactMoments, type EstimatorMoments } from '../../src/models/bandit/exactLab.ts';
import { clippedSigmoid } from '../../src/models/units/bernoulli.ts';
import { BanditParameters, type BanditShape } from '../../src/models/bandit/parameters.ts';
import type { BanditEstimator, HiddenValues } from '../../src/engine/types.ts';
import { hash32 } from '../../src/rng/counterRng.ts';
import { Stream } from '../../src/rng/streams.ts';
import { BanditRun } from '../../src/models/bandit/banditRun.ts';
import { forwardKeys } from '../../src/models/bandit/forward.ts';

export type { TinyProblem };

/** Deterministic pseudo-random weights of the given scale (biases too, so all gradients are nonzero). */
export function tinyParameters(shape: BanditShape, seed: number, scale = 1): BanditParameters {
  const params = new BanditParameters(shape);
  let counter = 0;
  for (const t of params.tensors) {
    for (let e = 0; e < t.size; e++) t.value[e] = ((hash32(seed * 7919 + counter++) / 2 ** 32) * 2 - 1) * scale;
  }
  return params;
}

export { sparseRow };

/** Flat float64 copy of all parameters, in params.tensors order. */
export const flatten = flattenValues;
export type { EstimatorMoments };

/** E[r] by enumerating every hidden configuration, Bernoulli or categorical units (float64, independent of the engine). */
export function exactExpectedReward(shape: BanditShape, flat: Float64Array, problem: TinyProblem): number {
  const { sizes, hiddenValues } = shape;
  const value = (phi: number) => (hiddenValues === 'pm1' ? 2 * phi - 1 : phi);
  // offsets of W_k and b_k in the flat vector
  const offsets: { w: number; b: number }[] = [];
  let o = 0;
  for (let k = 0; k + 1 < sizes.length; k++) {
    offsets.push({ w: o, b: o + sizes[k] * sizes[k + 1] });
    o += sizes[k] * sizes[k + 1] + sizes[k + 1];
  }
  const logits = (k: number, input: number[]): number[] => {
    const out: number[] = [];
    for (let i = 0; i < sizes[k + 1]; i++) {
      let u = flat[offsets[k].b + i];
      for (let j = 0; j < sizes[k]; j++) u += input[j] * flat[offsets[k].w + j * sizes[k + 1] + i];
      out.push(u);
    }
    return out;
  };
  const recurse = (k: number, input: number[]): number => {
    const u = logits(k, input);
    if (k === sizes.length - 2) {
      const max = Math.max(...u);
      const e = u.map((z) => Math.exp(z - max));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.reduce((acc, ek, a) => acc + (ek / sum) * problem.rewards[a], 0);
    }
    const width = sizes[k + 1];
    if (shape.units === 'categorical') return categoricalLayer(k, u, shape.categories ?? 0, recurse);
    const p = u.map(clippedSigmoid);
    let total = 0;
    for (let config = 0; config < 1 << width; config++) {
      let prob = 1;
      const values: number[] = [];
      for (let i = 0; i < width; i++) {
        const phi = (config >> i) & 1;
        prob *= phi ? p[i] : 1 - p[i];
        values.push(value(phi));
      }
      total += prob * recurse(k + 1, values);
    }
    return total;
  };
  return recurse(0, problem.x);
}

/**
 * Σ over the configurations of a layer of categorical units (docs/math.md §7.1) with logits u
 * [units · N]: Π_i softmax(u_i)[v_i] times `next` of the centered one-hot outputs e_v − 1/N [units · N].
 */
function categoricalLayer(k: number, u: number[], n: number, next: (k: number, input: number[]) => number): number {
  const units = u.length / n;
  const pi = u.map((_, e) => {
    const at = e - (e % n);
    const row = u.slice(at, at + n);
    const max = Math.max(...row);
    return Math.exp(u[e] - max) / row.reduce((acc, z) => acc + Math.exp(z - max), 0);
  });
  let total = 0;
  for (let config = 0; config < n ** units; config++) {
    let prob = 1;
    // the centered one-hot outputs e_v − 1/N (docs/math.md §7.1)
    const oneHot = new Array<number>(u.length).fill(-1 / n);
    for (let i = 0; i < units; i++) {
      const v = Math.floor(config / n ** i) % n;
      prob *= pi[i * n + v];
      oneHot[i * n + v] += 1;
    }
    total += prob * next(k + 1, oneHot);
  }
  return total;
}

/** Central finite differences of exactExpectedReward (float64). */
export function finiteDifferenceGradient(shape: BanditShape, params: BanditParameters, problem: TinyProblem, h = 1e-6): Float64Array {
  const flat = flatten(params);
  const grad = new Float64Array(flat.length);
  for (let e = 0; e < flat.length; e++) {
    const keep = flat[e];
    flat[e] = keep + h;
    const up = exactExpectedReward(shape, flat, problem);
    flat[e] = keep - h;
    const down = exactExpectedReward(shape, flat, problem);
    flat[e] = keep;
    grad[e] = (up - down) / (2 * h);
  }
  return grad;
}

/**
 * Exact mean and variance of an estimator's per-example gradient: every hidden configuration
 * and action forced through the engine's BanditRun (the classroom's exactMoments).
 */
export function exactEstimatorMoments(params: BanditParameters, estimator: BanditEstimator, problem: TinyProblem, baseline: number): EstimatorMoments {
  return exactMoments(params, problem, estimator, baseline);
}

/** A tiny network's shape; with `categories` N its hidden units are categorical (docs/math.md §7.1), hiddenWidths in units. */
export function tinyShape(hiddenWidths: number[], inputs: number, actions: number, hiddenValues: HiddenValues, categories?: number): BanditShape {
  if (categories !== undefined) return { sizes: [inputs, ...hiddenWidths.map((w) => w * categories), actions], hiddenValues, units: 'categorical', categories };
  return { sizes: [inputs, ...hiddenWidths, actions], hiddenValues };
}

/**
 * Mean and standard error, per parameter, of `samples` single-example estimates drawn through
 * the real RNG (seed 5, step t, the tiny problem's example 0 with its reward table and baseline
 * 0.4): the sampling half of the unbiasedness proof (docs/math.md §5).
 */
export function sampledEstimatorMeans(params: BanditParameters, estimator: BanditEstimator, problem: TinyProblem, hiddenLayers: number, samples: number): { mean: Float64Array; se: Float64Array } {
  const run = new BanditRun(params, estimator, 1);
  const input = sparseRow(problem.x);
  const table = Float64Array.from(problem.rewards);
  const n = params.tensors.reduce((a, t) => a + t.size, 0);
  const sum = new Float64Array(n);
  const sumSq = new Float64Array(n);
  for (let t = 0; t < samples; t++) {
    run.estimateGradients(input, forwardKeys(5, t, Stream.hiddenBase, Stream.action, hiddenLayers), { labels: [0], table }, 0.4);
    let o = 0;
    for (const tensor of params.tensors) {
      for (let e = 0; e < tensor.size; e++, o++) {
        sum[o] += tensor.grad[e];
        sumSq[o] += tensor.grad[e] ** 2;
      }
    }
  }
  const mean = sum.map((s) => s / samples);
  const se = mean.map((m, e) => Math.sqrt(Math.max(sumSq[e] / samples - m * m, 0) / samples));
  return { mean, se };
}
