// Categorical hidden units (docs/math.md §7.1) on the WebGPU engine: whole-update parity with the
// CPU engine (same samples, actions, parameters, counters and test accuracy), and unbiasedness of
// every estimator by exact enumeration (docs/math.md §5) through the real GPU sampling path.
import { describe, expect, it } from 'vitest';
import { CpuBanditEngine } from '../src/engine/cpu/cpuBanditEngine.ts';
import { BANDIT_ESTIMATORS, type BanditConfig } from '../src/engine/types.ts';
import { initBanditParameters } from '../src/models/bandit/parameters.ts';
import { streamKey, uniform } from '../src/rng/counterRng.ts';
import { Stream } from '../src/rng/streams.ts';
import { constantDataset, gpuEngine, randomDataset, smallConfig } from './helpers/gpuTest.ts';
import { finiteDifferenceGradient, tinyShape } from './helpers/tinyBandit.ts';

const UPDATES = 6;

/** |gpu − cpu| relative to max(|θ|, lr) (parameters move by about lr per update). */
function worstParamError(gpu: Float32Array, cpu: Float32Array, lr: number): number {
  let worst = 0;
  for (let e = 0; e < cpu.length; e++) worst = Math.max(worst, Math.abs(gpu[e] - cpu[e]) / Math.max(Math.abs(cpu[e]), lr));
  return worst;
}

/** Distance of `u` from the nearest inner boundary of the cumulative probabilities prob[at..at + n). */
function distanceToBoundary(u: number, prob: Float64Array, at: number, n: number): number {
  let cumulative = 0;
  let nearest = Infinity;
  for (let k = 0; k + 1 < n; k++) {
    cumulative += prob[at + k];
    nearest = Math.min(nearest, Math.abs(u - cumulative));
  }
  return nearest;
}

describe.each([2, 3])('WebGPU vs CPU engine, categorical units N = %i, whole updates', (categories) => {
  it(`${UPDATES} updates, 4 estimators: same samples, actions, parameters, counters and test accuracy`, async () => {
    const data = randomDataset(20, 4, 40, 24);
    const config: BanditConfig = smallConfig({ units: 'categorical', categories, estimators: [...BANDIT_ESTIMATORS], seeds: [4], width: 4, batch: 8, lr: 0.01 });
    const cpu = new CpuBanditEngine(config, data);
    const gpu = await gpuEngine(config, data);
    const widths = [config.width * categories, config.width * categories];
    const diverged = new Set<number>();
    let worstParams = 0;
    let comparedUnits = 0;
    for (let t = 0; t < UPDATES; t++) {
      await cpu.step(1);
      await gpu.step(1);
      const samples = await Promise.all(widths.map((_, l) => gpu.debugRead('samples', l)));
      const actions = new Uint32Array(await gpu.debugRead('actions'));
      for (const spec of gpu.runs) {
        if (diverged.has(spec.index)) continue;
        const r = spec.index;
        const cpuRun = cpu.runAt(r);
        let flipped = false;
        widths.forEach((w, l) => {
          const got = new Float32Array(samples[l]).subarray(r * gpu.capacity * w, r * gpu.capacity * w + config.batch * w);
          const key = streamKey(spec.seed, t, Stream.hiddenBase + l);
          const units = w / categories;
          for (let e = 0; e < config.batch * units && !flipped; e++) {
            comparedUnits++;
            let same = true;
            for (let k = 0; k < categories; k++) same &&= got[e * categories + k] === cpuRun.scratch.sample[l][e * categories + k];
            if (!same) {
              // only a near tie of the uniform and a cumulative probability may flip
              expect(distanceToBoundary(uniform(key, e), cpuRun.scratch.prob[l], e * categories, categories)).toBeLessThan(1e-5);
              flipped = true;
            }
          }
        });
        for (let b = 0; b < config.batch && !flipped; b++) expect(actions[r * gpu.capacity + b]).toBe(cpuRun.scratch.action[b]);
        if (flipped) {
          diverged.add(r);
          continue;
        }
        const params = await gpu.readParameters(r);
        params.tensors.forEach((tensor, k) => (worstParams = Math.max(worstParams, worstParamError(tensor.value, cpuRun.params.tensors[k].value, config.lr))));
      }
    }
    console.log(`[categorical parity N=${categories}] units compared ${comparedUnits}, diverged runs ${diverged.size}, worst parameter error ${worstParams.toExponential(2)} (relative to max(|θ|, lr))`);
    expect(diverged.size).toBeLessThanOrEqual(1);
    expect(worstParams).toBeLessThan(1e-4);
    const [cc, gc] = [await cpu.readCounters(), await gpu.readCounters()];
    for (const spec of gpu.runs) {
      if (diverged.has(spec.index)) continue;
      const [a, b] = [cc[spec.index], gc[spec.index]];
      expect(b.updates).toBe(a.updates);
      expect(b.scoreSum).toBe(a.scoreSum);
      expect(b.finite).toBe(true);
      expect(Math.abs(b.gradVarianceSum - a.gradVarianceSum) / a.gradVarianceSum).toBeLessThan(1e-4);
      a.layerGradVarianceSum.forEach((v, k) => expect(Math.abs(b.layerGradVarianceSum[k] - v) / v).toBeLessThan(1e-4));
    }
    const [ce, ge] = [await cpu.evaluate({ collectActions: true }), await gpu.evaluate({ collectActions: true })];
    for (const spec of gpu.runs) {
      if (diverged.has(spec.index)) continue;
      expect(ge[spec.index].actions).toEqual(ce[spec.index].actions);
    }
    gpu.dispose();
    cpu.dispose();
  });
});

const X = [1, 0, 1];
const LABEL = 1;
const BATCH = 256;
const SAMPLED_UPDATES = 48;
const SEED = 21;

const cases = [
  { categories: 2, hidden: 1, width: 2, actions: 3 },
  { categories: 3, hidden: 1, width: 2, actions: 2 },
  { categories: 2, hidden: 2, width: 2, actions: 2 },
  { categories: 3, hidden: 2, width: 2, actions: 3 },
];

describe.each(cases)('WebGPU engine is unbiased: categorical N = $categories, $hidden layer(s) of $width units, $actions actions', ({ categories, hidden, width, actions }) => {
  it('every estimator (HNCA, REINFORCE, ± baseline): sample mean of the GPU gradients within 4.5 standard errors of the exact gradient', async () => {
    const shape = tinyShape(Array.from({ length: hidden }, () => width), X.length, actions, 'pm1', categories);
    const params = initBanditParameters(shape, SEED);
    const rewards = Array.from({ length: actions }, (_, a) => (a === LABEL ? 1 : 0));
    const exact = finiteDifferenceGradient(shape, params, { shape, x: X, rewards });
    expect(Math.max(...exact.map(Math.abs))).toBeGreaterThan(1e-3);
    const config = smallConfig({ hidden, width, units: 'categorical', categories, estimators: [...BANDIT_ESTIMATORS], seeds: [SEED], batch: BATCH, lr: 1e-12 });
    const engine = await gpuEngine(config, constantDataset(X, LABEL, actions, BATCH));
    const n = exact.length;
    const sums = engine.runs.map(() => ({ sum: new Float64Array(n), sumSq: new Float64Array(n) }));
    for (let t = 0; t < SAMPLED_UPDATES; t++) {
      await engine.step(1);
      // per run, the batch-mean gradient, in the CPU's tensor order [W0, b0, W1, b1, …]
      const grads = new Float32Array(await engine.debugRead('grads'));
      sums.forEach((s, r) => {
        for (let e = 0; e < n; e++) {
          const g = grads[r * n + e];
          s.sum[e] += g;
          s.sumSq[e] += g * g;
        }
      });
    }
    engine.dispose();
    const worst = sums.map((s) => {
      let worstZ = 0;
      for (let e = 0; e < n; e++) {
        const mean = s.sum[e] / SAMPLED_UPDATES;
        const se = Math.sqrt(Math.max(s.sumSq[e] / SAMPLED_UPDATES - mean * mean, 0) / (SAMPLED_UPDATES - 1));
        worstZ = Math.max(worstZ, Math.abs(mean - exact[e]) / (se + 1e-7));
      }
      return worstZ;
    });
    console.log(`[unbiased categorical N=${categories} ${hidden}×${width}, ${actions} actions] ${BATCH * SAMPLED_UPDATES} samples per estimator, worst |mean − exact| / SE per estimator (${config.estimators.join(', ')}): ${worst.map((z) => z.toFixed(2)).join(', ')} over ${n} parameters`);
    expect(Math.max(...worst)).toBeLessThan(4.5);
  });
});

describe('categorical_input_gradient (matrices fed by categorical units, by their one-hot values) equals the dense weight_gradient', () => {
  it.each([2, 3, 8])('N = %i, depth 2, batch 70 (two stages of 64 examples): every gradient entry within float32 rounding', async (categories) => {
    const data = randomDataset(20, 4, 80, 8);
    const config = smallConfig({ units: 'categorical', categories, estimators: ['hnca', 'reinforce-baseline'], seeds: [6], width: 5, batch: 70, lr: 0.01 });
    const [oneHot, dense] = [await gpuEngine(config, data), await gpuEngine(config, data, undefined, { denseCategoricalGradients: true })];
    expect(oneHot.updateDispatches()).toContain('categorical_input_gradient');
    expect(dense.updateDispatches()).not.toContain('categorical_input_gradient');
    let worst = 0;
    let largest = 0;
    for (let t = 0; t < 2; t++) {
      await oneHot.step(1);
      await dense.step(1);
      const [a, b] = [new Float32Array(await oneHot.debugRead('grads')), new Float32Array(await dense.debugRead('grads'))];
      for (let e = 0; e < a.length; e++) {
        worst = Math.max(worst, Math.abs(a[e] - b[e]));
        largest = Math.max(largest, Math.abs(b[e]));
      }
    }
    oneHot.dispose();
    dense.dispose();
    expect(largest).toBeGreaterThan(1e-3);
    expect(worst).toBeLessThan(1e-6 * Math.max(1, largest));
  });
});
