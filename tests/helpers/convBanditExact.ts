// The conv bandit's exact expectations on tiny networks (docs/math.md §5, §7.2), shared by the CPU
// engine's enumeration test (tests/conv-bandit-enumeration.test.ts) and the WebGPU engine's
// unbiasedness test (tests/gpu-conv-bandit-unbiased.test.ts): one 6×6 image, one or two 3×3
// convolutions, a few ±1 Bernoulli units, 2–3 actions; E[r] as a finite sum over every hidden
// configuration and action with the trunk written out in float64, and its gradient by central
// finite differences with respect to every parameter (the optimizer's order); and an estimator's
// exact mean and variance through the CPU engine's own code (exactMoments).
import { convBanditLayout, ConvBanditParameters, convOutputSize, featureCount, KERNEL, type ConvBanditShape } from '../../src/models/convBandit/parameters.ts';
import type { BanditEstimator } from '../../src/engine/types.ts';
import type { UniformSource } from '../../src/models/bandit/forward.ts';
import { ConvBanditRun } from '../../src/models/convBandit/convBanditRun.ts';
import { clippedSigmoid } from '../../src/models/units/bernoulli.ts';
import { tfjsTrunk } from '../../src/trunk/tfjsTrunk.ts';
import { TestRandom } from './random.ts';

export interface Problem {
  shape: ConvBanditShape;
  /** one 6×6 image, 0/1 */
  image: Float32Array;
  /** reward of each action */
  rewards: number[];
}

export const IMAGE = Float32Array.from('011000' + '110110' + '001011' + '100110' + '011001' + '110100', (c) => Number(c));

export const problems: Problem[] = [
  { shape: { rows: 6, cols: 6, convLayers: 1, channels: 2, width: 3, actions: 3, hiddenValues: 'pm1' }, image: IMAGE, rewards: [1, 0.2, -0.5] },
  { shape: { rows: 6, cols: 6, convLayers: 2, channels: 2, width: 2, actions: 2, hiddenValues: 'pm1' }, image: IMAGE, rewards: [0.3, 1] },
];

/** Parameters uniform in ±scale (biases too, so that both sides of every ReLU occur), the linear layer smaller (its 16–32 inputs). */
export function tinyParameters(shape: ConvBanditShape, seed: number): ConvBanditParameters {
  const params = new ConvBanditParameters(shape);
  const random = new TestRandom(seed);
  const layout = convBanditLayout(shape);
  params.tensors.forEach((t, k) => {
    const scale = layout[k].name === 'W' ? 0.4 : layout[k].name === 'b' ? 0.3 : 1;
    t.value.set(random.floats(t.size, -scale, scale));
  });
  return params;
}

/** Every parameter in the optimizer's order, as float64 (the finite differences move one). */
export function flatValues(params: ConvBanditParameters): Float64Array {
  const out = new Float64Array(params.parameterCount);
  let o = 0;
  for (const t of params.tensors) for (let e = 0; e < t.size; e++) out[o++] = t.value[e];
  return out;
}

/** The Bernoulli logits u [width] of one image, in float64, with the trunk written out directly (no library). */
export function referenceLogits(shape: ConvBanditShape, flat: Float64Array, image: Float32Array): Float64Array {
  const { channels } = shape;
  let input = Float64Array.from(image);
  let inChannels = 1;
  let inCols = shape.cols;
  let o = 0;
  for (let l = 0; l < shape.convLayers; l++) {
    const { rows, cols } = convOutputSize(shape, l);
    const filter = flat.subarray(o, o + KERNEL * KERNEL * inChannels * channels);
    o += filter.length;
    const bias = flat.subarray(o, o + channels);
    o += channels;
    const out = new Float64Array(rows * cols * channels);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        for (let c = 0; c < channels; c++) {
          let a = bias[c];
          for (let dy = 0; dy < KERNEL; dy++) {
            for (let dx = 0; dx < KERNEL; dx++) {
              for (let ic = 0; ic < inChannels; ic++) a += input[((y + dy) * inCols + x + dx) * inChannels + ic] * filter[((dy * KERNEL + dx) * inChannels + ic) * channels + c];
            }
          }
          out[(y * cols + x) * channels + c] = Math.max(a, 0);
        }
      }
    }
    input = out;
    inChannels = channels;
    inCols = cols;
  }
  const features = featureCount(shape);
  const w = flat.subarray(o, o + features * shape.width);
  o += w.length;
  const b = flat.subarray(o, o + shape.width);
  const u = Float64Array.from(b);
  for (let j = 0; j < features; j++) for (let i = 0; i < shape.width; i++) u[i] += input[j] * w[j * shape.width + i];
  return u;
}

/** E[r] of one image: the sum over every hidden configuration (±1 values) and action. */
export function expectedReward(problem: Problem, flat: Float64Array): number {
  const { shape } = problem;
  const { width, actions } = shape;
  const u = referenceLogits(shape, flat, problem.image);
  const outputStart = flat.length - (width * actions + actions);
  const v = flat.subarray(outputStart, outputStart + width * actions);
  const c = flat.subarray(outputStart + width * actions);
  let total = 0;
  for (let config = 0; config < 1 << width; config++) {
    let probability = 1;
    const z = Float64Array.from(c);
    for (let j = 0; j < width; j++) {
      const phi = (config >> j) & 1;
      const p = clippedSigmoid(u[j]);
      probability *= phi ? p : 1 - p;
      for (let a = 0; a < actions; a++) z[a] += (2 * phi - 1) * v[j * actions + a];
    }
    const max = Math.max(...z);
    const e = z.map((zk) => Math.exp(zk - max));
    const sum = e.reduce((s, x) => s + x, 0);
    for (let a = 0; a < actions; a++) total += probability * (e[a] / sum) * problem.rewards[a];
  }
  return total;
}

export function finiteDifferenceGradient(problem: Problem, params: ConvBanditParameters, h = 1e-6): Float64Array {
  const flat = flatValues(params);
  const grad = new Float64Array(flat.length);
  for (let e = 0; e < flat.length; e++) {
    const saved = flat[e];
    flat[e] = saved + h;
    const up = expectedReward(problem, flat);
    flat[e] = saved - h;
    const down = expectedReward(problem, flat);
    flat[e] = saved;
    grad[e] = (up - down) / (2 * h);
  }
  return grad;
}

/**
 * The exact mean and variance of an estimator's single-example estimate: every hidden
 * configuration and action forced through the real code (a uniform of 0 fires a unit, one just
 * below 1 does not; the action's uniform falls in the middle of its softmax interval), each
 * estimate weighted by its probability. Deterministic (docs/math.md §5, beside the sampling test).
 */
export function exactMoments(problem: Problem, params: ConvBanditParameters, estimator: BanditEstimator, baseline: number): { mean: Float64Array; variance: Float64Array } {
  const { width, actions } = problem.shape;
  const run = new ConvBanditRun(params, estimator, 1, tfjsTrunk(problem.shape));
  const n = params.parameterCount;
  const mean = new Float64Array(n);
  const second = new Float64Array(n);
  for (let config = 0; config < 1 << width; config++) {
    for (let action = 0; action < actions; action++) {
      let actionProbability = 0;
      const source: UniformSource = {
        hidden: (_layer, _example, unit) => (((config >> unit) & 1) === 1 ? 0 : 1 - 1e-12),
        action: (_example, probs, base) => {
          let below = 0;
          for (let k = 0; k < action; k++) below += probs[base + k];
          actionProbability = probs[base + action];
          return below + actionProbability / 2;
        },
      };
      run.estimateGradients(problem.image, 1, source, { labels: [], table: Float64Array.from(problem.rewards) }, baseline);
      let weight = actionProbability;
      for (let i = 0; i < width; i++) weight *= ((config >> i) & 1) === 1 ? run.scratch.prob[0][i] : 1 - run.scratch.prob[0][i];
      let o = 0;
      for (const tensor of params.tensors) {
        for (let e = 0; e < tensor.size; e++, o++) {
          mean[o] += weight * tensor.grad[e];
          second[o] += weight * tensor.grad[e] ** 2;
        }
      }
    }
  }
  run.dispose();
  return { mean, variance: second.map((s, e) => s - mean[e] ** 2) };
}
