// docs/math.md §5 and §7.2: the conv bandit's estimators are unbiased. On a tiny network (one or two
// 3×3 convolutions on a 6×6 image, a few Bernoulli units, 2–3 actions) E[r] is a finite sum
// over every hidden configuration and action; its gradient by float64 finite differences, with
// respect to every trunk and output parameter, must equal the mean of the estimates that flow
// through the real code (TensorFlow.js trunk, our Bernoulli layer, credit and signals).
import { beforeAll, describe, expect, it } from 'vitest';
import { BANDIT_ESTIMATORS, type BanditEstimator } from '../src/engine/types.ts';
import { ConvBanditRun } from '../src/models/convBandit/convBanditRun.ts';
import { convBanditLayout, type ConvBanditParameters } from '../src/models/convBandit/parameters.ts';
import { forwardKeys, type UniformSource } from '../src/models/bandit/forward.ts';
import { Stream } from '../src/rng/streams.ts';
import { useTrunkBackend } from '../src/trunk/backend.ts';
import { tfjsTrunk } from '../src/trunk/tfjsTrunk.ts';
import { exactMoments, finiteDifferenceGradient, IMAGE, problems, tinyParameters, type Problem } from './helpers/convBanditExact.ts';
import { TestRandom } from './helpers/random.ts';

/** Mean and standard error of the estimates over `batches` batches of `batch` copies of the image, through the real RNG. */
function sampledMeans(problem: Problem, params: ConvBanditParameters, estimator: BanditEstimator, batches: number, batch: number): { mean: Float64Array; se: Float64Array } {
  const run = new ConvBanditRun(params, estimator, batch, tfjsTrunk(problem.shape));
  const pixels = new Float32Array(batch * problem.image.length);
  for (let b = 0; b < batch; b++) pixels.set(problem.image, b * problem.image.length);
  const table = new Float64Array(batch * problem.shape.actions);
  for (let b = 0; b < batch; b++) table.set(problem.rewards, b * problem.shape.actions);
  const n = params.parameterCount;
  const sum = new Float64Array(n);
  const sumSq = new Float64Array(n);
  for (let t = 0; t < batches; t++) {
    run.estimateGradients(pixels, batch, forwardKeys(5, t, Stream.hiddenBase, Stream.action, 1), { labels: [], table }, 0.4);
    let o = 0;
    for (const tensor of params.tensors) {
      for (let e = 0; e < tensor.size; e++, o++) {
        sum[o] += tensor.grad[e];
        sumSq[o] += tensor.grad[e] ** 2;
      }
    }
  }
  run.dispose();
  const mean = sum.map((s) => s / batches);
  // the batch means are independent: their spread gives the standard error of the overall mean
  const se = mean.map((m, e) => Math.sqrt(Math.max(sumSq[e] / batches - m * m, 0) / (batches - 1)));
  return { mean, se };
}

beforeAll(async () => {
  await useTrunkBackend('wasm');
});

describe.each(problems)('conv bandit, $shape.convLayers convolution(s), $shape.width units, $shape.actions actions', (problem) => {
  const params = tinyParameters(problem.shape, 3 + problem.shape.convLayers);
  const exact = finiteDifferenceGradient(problem, params);
  const layout = convBanditLayout(problem.shape);
  const sampled = new Map<BanditEstimator, { mean: Float64Array; se: Float64Array }>();
  const sampledFor = (estimator: BanditEstimator): { mean: Float64Array; se: Float64Array } => {
    let result = sampled.get(estimator);
    if (!result) {
      result = sampledMeans(problem, params, estimator, 100, 200);
      sampled.set(estimator, result);
    }
    return result;
  };

  it('the trunk returns the batch mean of the per-example gradients and per layer the sum of their batch variances (docs/math.md §4)', () => {
    const batch = 3;
    const pixels = new Float32Array(batch * IMAGE.length);
    for (let b = 0; b < batch; b++) for (let e = 0; e < IMAGE.length; e++) pixels[b * IMAGE.length + e] = IMAGE[(e + 7 * b) % IMAGE.length];
    const signal = Float64Array.from(new TestRandom(9).floats(batch * problem.shape.width, -1, 1));
    const trunk = tfjsTrunk(problem.shape)(params.trunkTensors);
    const pass = trunk.forward(pixels, batch);
    const variance = pass.backward(signal);
    pass.dispose();
    const mean = params.trunkTensors.map((t) => Float64Array.from(t.grad));
    // every example's own gradient, from a pass of its own
    const perExample = Array.from({ length: batch }, (_, b) => {
      const one = trunk.forward(pixels.subarray(b * IMAGE.length, (b + 1) * IMAGE.length), 1);
      one.backward(signal.subarray(b * problem.shape.width, (b + 1) * problem.shape.width));
      one.dispose();
      return params.trunkTensors.map((t) => Float64Array.from(t.grad));
    });
    // float64, two passes: the mean, then the squared deviations
    const expectedVariance = new Float64Array(variance.length);
    const expectedMean = mean.map((m) => new Float64Array(m.length));
    params.trunkTensors.forEach((t, k) => {
      for (let e = 0; e < t.size; e++) {
        for (const g of perExample) expectedMean[k][e] += g[k][e] / batch;
        for (const g of perExample) expectedVariance[k >> 1] += (g[k][e] - expectedMean[k][e]) ** 2 / batch;
      }
    });
    for (let k = 0; k < variance.length; k++) expect(Math.abs(variance[k] - expectedVariance[k]), `layer ${k}: ${variance[k]} vs ${expectedVariance[k]}`).toBeLessThan(1e-4 * expectedVariance[k]);
    mean.forEach((m, k) => m.forEach((g, e) => expect(g).toBeCloseTo(expectedMean[k][e], 5)));
    expect(Math.min(...expectedVariance)).toBeGreaterThan(1e-3);
  });

  it('the exact gradient is not trivially zero in any layer', () => {
    let o = 0;
    for (let k = 0; k < layout.length; k += 2) {
      const size = params.layerParameterCount(k / 2);
      expect(Math.max(...exact.subarray(o, o + size).map(Math.abs)), layout[k].name).toBeGreaterThan(1e-3);
      o += size;
    }
  });

  it.each(BANDIT_ESTIMATORS)('%s: the exact expectation (every configuration and action forced) equals the finite-difference gradient', (estimator) => {
    // a constant nonzero baseline for the -baseline variants: it must not bias the estimate
    const { mean } = exactMoments(problem, params, estimator, 0.4);
    const scale = Math.max(...exact.map(Math.abs));
    for (let e = 0; e < exact.length; e++) expect(Math.abs(mean[e] - exact[e])).toBeLessThan(2e-5 * scale);
  });

  it('Theorem 1 (exact): HNCA variance ≤ REINFORCE variance on the linear layer and the output; strictly lower where the feature is on', () => {
    const hnca = exactMoments(problem, params, 'hnca', 0).variance;
    const reinforce = exactMoments(problem, params, 'reinforce', 0).variance;
    const sizes = params.tensors.map((t) => t.size);
    const start = sizes.slice(0, 2 * problem.shape.convLayers).reduce((a, b) => a + b, 0);
    let strictlyLower = 0;
    for (let e = start; e < hnca.length; e++) {
      expect(hnca[e]).toBeLessThanOrEqual(reinforce[e] * (1 + 1e-6) + 1e-12);
      if (hnca[e] < reinforce[e] * 0.99) strictlyLower++;
    }
    expect(strictlyLower).toBeGreaterThan(0);
  });

  it.each(BANDIT_ESTIMATORS)('%s: the mean estimate is within 4.5 standard errors of the finite-difference gradient', (estimator) => {
    const { mean, se } = sampledFor(estimator);
    for (let e = 0; e < exact.length; e++) expect(Math.abs(mean[e] - exact[e])).toBeLessThanOrEqual(4.5 * se[e] + 1e-6);
  });

  it('Theorem 1 (sampled): HNCA has a lower standard error than REINFORCE on the linear layer to the logits; the output layer is the same estimator', () => {
    const hnca = sampledFor('hnca').se;
    const reinforce = sampledFor('reinforce').se;
    // the theorem is per unit: W[:, i] and b[i] reach only unit i's logit. The convolutions feed
    // every unit, so their estimate sums correlated per-unit terms and the theorem says nothing.
    const sizes = params.tensors.map((t) => t.size);
    const start = sizes.slice(0, 2 * problem.shape.convLayers).reduce((a, b) => a + b, 0);
    const end = start + sizes[2 * problem.shape.convLayers] + sizes[2 * problem.shape.convLayers + 1];
    // zero where a feature is 0 (a ReLU off): both estimates vanish there
    let compared = 0;
    for (let e = start; e < end; e++) {
      if (reinforce[e] === 0) expect(hnca[e]).toBe(0);
      else {
        compared++;
        expect(hnca[e]).toBeLessThan(reinforce[e]);
      }
    }
    expect(compared).toBeGreaterThan((end - start) / 4);
    // the same draws give the same actions and output signals under both estimators
    for (let e = end; e < hnca.length; e++) expect(hnca[e]).toBeCloseTo(reinforce[e], 12);
  });
});
