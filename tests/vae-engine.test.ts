// The CPU VAE engine end to end on a tiny synthetic dataset: shared minibatches and initial
// weights, determinism, the variance identity of docs/math.md §4 against brute force, the
// batch-mean update, and evaluate()'s K-sample bound against the exact log p(x).
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.ts';
import { allocSparseRows, binarizeRows, trainBinarizeKey } from '../src/data/minibatch.ts';
import { createCpuEngine } from '../src/backends/cpu/index.ts';
import { CpuVaeEngine } from '../src/backends/cpu/cpuVaeEngine.ts';
import { EngineError, PAPER_OPTIMIZER, VAE_ESTIMATORS, type VaeConfig } from '../src/engine/types.ts';
import { RngDraws } from '../src/models/vae/draws.ts';
import { ExampleWork, VaeTables } from '../src/models/vae/estimators.ts';
import { addExampleGradients } from '../src/models/vae/gradients.ts';
import { paramArrays } from '../src/models/vae/params.ts';
import { VaeRun } from '../src/models/vae/vaeRun.ts';
import { hash32 } from '../src/rng/counterRng.ts';
import { exactLogLikelihood } from './vaeTiny.ts';

function syntheticData(pixels: number, trainCount: number, testImages: number[][]): Dataset {
  const images = new Uint8Array(trainCount * pixels);
  for (let k = 0; k < images.length; k++) images[k] = [0, 255, 128, 30][hash32(k + 99) & 3];
  const test = new Uint8Array(testImages.flat().map((v) => v * 255));
  return {
    rows: 1,
    cols: pixels,
    pixels,
    classes: 10,
    train: { count: trainCount, images, labels: new Uint8Array(trainCount) },
    test: { count: testImages.length, images: test, labels: new Uint8Array(testImages.length) },
  };
}

function config(change: Partial<VaeConfig>): VaeConfig {
  return { task: 'vae', layers: 2, width: 3, estimators: [...VAE_ESTIMATORS], seeds: [1, 2], batch: 4, testK: 10, ...PAPER_OPTIMIZER, ...change };
}

describe('CpuVaeEngine', () => {
  const data = syntheticData(6, 40, [
    [1, 0, 1, 1, 0, 0],
    [0, 0, 1, 0, 1, 1],
    [1, 1, 1, 0, 0, 0],
  ]);

  it('createCpuEngine dispatches the vae task; bad configs are EngineErrors', async () => {
    const engine = createCpuEngine({ config: config({}), data });
    expect(engine).toBeInstanceOf(CpuVaeEngine);
    expect(engine.runs.length).toBe(12);
    expect(engine.updatesPerEpoch).toBe(10);
    await expect(engine.inspect(0, new Uint8Array(5), 1)).rejects.toBeInstanceOf(EngineError);
    for (const bad of [{ layers: 0 }, { layers: 6 }, { width: 0 }, { testK: 0 }, { estimators: [] }, { lr: -1 }]) {
      expect(() => new CpuVaeEngine(config(bad), data)).toThrow(EngineError);
    }
    expect(() => new CpuVaeEngine({ ...config({}), estimators: ['hnca' as 'fhnca'] }, data)).toThrow(/unknown VAE estimator/);
  });

  it('inspect(): probabilities, samples, HNCA credit per layer (0 at the top), pixel probabilities', async () => {
    const engine = new CpuVaeEngine(config({ layers: 3, estimators: ['reinforce'], seeds: [4] }), data);
    const pixels = Uint8Array.from([1, 0, 1, 1, 0, 0]);
    const trace = await engine.inspect(0, pixels, 9);
    expect(trace).toEqual(await engine.inspect(0, pixels, 9));
    expect(trace.probabilities.map((p) => p.length)).toEqual([3, 3, 3]);
    expect(trace.samples.map((p) => p.length)).toEqual([3, 3, 3]);
    expect(Array.from(trace.credit[2])).toEqual([0, 0, 0]);
    expect(trace.credit[0].some((c) => c !== 0)).toBe(true);
    expect(trace.actionProbabilities.length).toBe(6);
    for (const p of trace.probabilities.flatMap((a) => Array.from(a))) expect(p > 0 && p < 1).toBe(true);
  });

  it('runs of a seed start from the same weights; training is deterministic and finite', async () => {
    const a = new CpuVaeEngine(config({}), data);
    const b = new CpuVaeEngine(config({}), data);
    const w = await Promise.all(a.runs.map((r) => a.readWeights(r.index, 0)));
    for (const r of a.runs) expect(w[r.index].data).toEqual(w[r.seed === 1 ? 0 : 6].data);
    expect(w[0].data).not.toEqual(w[6].data);
    const dec = await a.readWeights(0, 2);
    expect([dec.rows, dec.cols]).toEqual([6, 3]); // decoder p_0: 6 pixel units, 3 inputs from layer 1
    await a.step(25);
    await b.step(25);
    const ca = await a.readCounters();
    expect(await b.readCounters()).toEqual(ca);
    for (const c of ca) {
      expect(c.finite).toBe(true);
      expect(c.updates).toBe(25);
      expect(c.examples).toBe(100);
      expect(c.scoreSum / c.examples).toBeLessThan(0);
      expect(c.gradVarianceSum).toBeGreaterThan(0);
      expect(c.layerGradVarianceSum.length).toBe(2);
    }
    // different estimators update differently from the same start
    expect((await a.readWeights(0, 0)).data).not.toEqual((await a.readWeights(2, 0)).data);
  });

  it.each([...VAE_ESTIMATORS])('%s: one update applies the batch-mean gradient; the variance metric equals brute force', (estimator) => {
    const shape = { pixels: 6, layers: 2, width: 3 };
    const run = new VaeRun(shape, 5, estimator);
    run.baselines.fill(0.7); // nonzero baselines are used as they stand
    const rows = allocSparseRows(8, 6);
    binarizeRows(data.train, 6, Uint32Array.from([0, 3, 5, 7, 11, 13, 17, 19]), trainBinarizeKey(5, 0), rows);
    const draws = new RngDraws(shape.width);
    draws.setStep(5, 0, shape.layers);
    const before = paramArrays(run.params).map((a) => Float64Array.from(a));
    // brute force: every per-example gradient
    const work = new ExampleWork(run.params.sizes);
    const tables = new VaeTables(run.params.sizes);
    tables.update(run.params);
    const per: Float64Array[][] = [];
    for (let b = 0; b < rows.count; b++) {
      draws.setExample(b);
      work.main.setInput(rows.onIndex, rows.onStart[b], rows.onStart[b + 1]);
      work.estimate(run.params, estimator, draws, tables, run.baselines);
      const g = before.map((a) => new Float64Array(a.length));
      addExampleGradients(run.params, work, g);
      per.push(g);
    }
    run.update(rows, draws, { ...PAPER_OPTIMIZER, optimizer: 'sgd', lr: 0.5 });
    const after = paramArrays(run.params);
    let total = 0;
    let count = 0;
    const B = rows.count;
    for (let t = 0; t < before.length; t++) {
      let layerSum = 0;
      for (let k = 0; k < before[t].length; k++) {
        let mean = 0;
        for (const g of per) mean += g[t][k] / B;
        expect(after[t][k]).toBeCloseTo(Math.fround(before[t][k] + 0.5 * mean), 5);
        let v = 0;
        for (const g of per) v += (g[t][k] - mean) ** 2 / B;
        layerSum += v;
      }
      if (t < 4) {
        total += layerSum;
        count += before[t].length;
      }
    }
    expect(run.counters.gradVarianceSum).toBeCloseTo(total / count, 9);
    expect(total).toBeGreaterThan(0);
  });

  it('appendix-K ablations (docs/math.md §7.3) run beside plain f-HNCA + baseline: the same first samples, other gradients', async () => {
    const estimators: VaeConfig['estimators'] = ['fhnca-baseline', 'fhnca-baseline-all-children', 'fhnca-baseline-full-reward', 'fhnca-baseline-all-children-full-reward'];
    const engine = new CpuVaeEngine(config({ estimators, seeds: [3] }), data);
    expect(engine.runs.map((r) => r.estimator)).toEqual(estimators);
    await engine.step(1);
    const first = await engine.readCounters();
    // one update from the same weights with the same random numbers: the same samples, so the same ELBO
    for (const c of first) expect(c.scoreSum).toBe(first[0].scoreSum);
    // but another encoder gradient: its variance differs from plain's in every ablation
    for (const c of first.slice(1)) expect(Math.abs(c.gradVarianceSum - first[0].gradVarianceSum)).toBeGreaterThan(1e-6 * first[0].gradVarianceSum);
    await engine.step(20);
    const weights = await Promise.all(estimators.map((_, run) => engine.readWeights(run, 0)));
    for (const w of weights.slice(1)) expect(w.data).not.toEqual(weights[0].data);
    for (const c of await engine.readCounters()) expect(c.finite).toBe(true);
  });

  it('evaluate(): the K-sample bound approaches the exact mean log p(x) from below', async () => {
    const engine = new CpuVaeEngine(config({ estimators: ['fhnca'], seeds: [3], testK: 3000 }), data);
    await engine.step(5);
    const params = engine.runAt(0).params;
    const exact = [0, 1, 2].map((n) => exactLogLikelihood(params, Array.from(data.test.images.subarray(n * 6, n * 6 + 6), (v) => (v ? 1 : 0))));
    const meanExact = exact.reduce((a, b) => a + b, 0) / 3;
    const [big] = await engine.evaluate();
    expect(big.k).toBe(3000);
    expect(big.testScore).toBeLessThan(meanExact + 0.01);
    expect(big.testScore).toBeGreaterThan(meanExact - 0.03);
    engine.config.testK = 1;
    const [one] = await engine.evaluate();
    expect(one.testScore).toBeLessThan(big.testScore - 0.05);
  });
});
