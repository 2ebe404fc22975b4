// Categorical hidden units (docs/math.md §7.1) behind the engine interface: the CPU engine trains
// them with the §4 variance metric over all parameters (checked against a per-example brute
// force), checkpoints carry the unit kind, and bad configs are refused (the WebGPU engine's
// categorical units: tests/gpu-categorical.test.ts).
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.ts';
import { CpuBanditEngine } from '../src/backends/cpu/cpuBanditEngine.ts';
import { EngineStateError } from '../src/engine/state.ts';
import { EngineError, PAPER_OPTIMIZER, type BanditConfig } from '../src/engine/types.ts';
import { BanditRun } from '../src/models/bandit/banditRun.ts';
import { forwardKeys } from '../src/models/bandit/forward.ts';
import { allocSparseRows } from '../src/data/minibatch.ts';
import { Stream } from '../src/rng/streams.ts';
import { tinyParameters, tinyShape } from './helpers/tinyBandit.ts';

const data: Dataset = {
  rows: 2,
  cols: 3,
  pixels: 6,
  classes: 4,
  train: { count: 40, images: Uint8Array.from({ length: 240 }, (_, i) => (i * 37) % 256), labels: Uint8Array.from({ length: 40 }, (_, i) => i % 4) },
  test: { count: 10, images: Uint8Array.from({ length: 60 }, (_, i) => (i * 53) % 256), labels: Uint8Array.from({ length: 10 }, (_, i) => i % 4) },
};
const categorical: BanditConfig = { task: 'bandit', hidden: 2, width: 3, hiddenValues: 'pm1', units: 'categorical', categories: 3, estimators: ['hnca', 'reinforce'], seeds: [2], batch: 8, ...PAPER_OPTIMIZER, lr: 1e-2 };

describe('CPU engine with categorical units', () => {
  it('trains: weights [inputs, U·N], finite counters, HNCA variance below REINFORCE', async () => {
    const engine = new CpuBanditEngine(categorical, data);
    await engine.step(20);
    const [hnca, reinforce] = await engine.readCounters();
    for (const c of [hnca, reinforce]) {
      expect(c.finite).toBe(true);
      expect(c.layerGradVarianceSum).toHaveLength(3);
    }
    expect(hnca.gradVarianceSum).toBeLessThan(reinforce.gradVarianceSum);
    const w1 = await engine.readWeights(0, 1);
    expect([w1.rows, w1.cols]).toEqual([9, 9]);
    const w2 = await engine.readWeights(0, 2);
    expect([w2.rows, w2.cols]).toEqual([4, 9]);
    const trace = await engine.inspect(0, Uint8Array.from([1, 0, 1, 1, 0, 0]), 3);
    expect(trace.probabilities[0]).toHaveLength(9);
    for (let i = 0; i < 3; i++) {
      expect(trace.samples[1].subarray(3 * i, 3 * i + 3).reduce((a, b) => a + b, 0)).toBe(1);
      expect(trace.credit[0].subarray(3 * i, 3 * i + 3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    expect((await engine.evaluate()).every((r) => r.testScore >= 0 && r.testScore <= 1)).toBe(true);
  });

  it('the §4 variance metric equals the per-example variance over every parameter', () => {
    const shape = tinyShape([3, 2], 5, 3, 'pm1', 4);
    const params = tinyParameters(shape, 3, 1);
    const batch = 6;
    const rows = allocSparseRows(batch, 5);
    let k = 0;
    for (let b = 0; b < batch; b++) {
      rows.onStart[b] = k;
      for (let j = 0; j < 5; j++) if ((b + j) % 3 !== 0) rows.onIndex[k++] = j;
    }
    rows.onStart[batch] = k;
    rows.count = batch;
    const labels = [0, 1, 2, 0, 1, 2];
    const source = forwardKeys(9, 1, Stream.hiddenBase, Stream.action, 2);
    // per-example gradients: the same run on one-example batches with the same uniforms
    const one = allocSparseRows(1, 5);
    const perExample: Float64Array[] = [];
    for (let b = 0; b < batch; b++) {
      const run = new BanditRun(params, 'hnca', 1);
      one.onStart[0] = 0;
      one.onStart[1] = rows.onStart[b + 1] - rows.onStart[b];
      one.onIndex.set(rows.onIndex.subarray(rows.onStart[b], rows.onStart[b + 1]));
      one.count = 1;
      const shifted = { hidden: (l: number, _e: number, u: number, w: number) => source.hidden(l, b, u, w), action: () => source.action(b) };
      run.estimateGradients(one, shifted, { labels: [labels[b]] });
      perExample.push(Float64Array.from(params.tensors.flatMap((t) => Array.from(t.grad))));
    }
    const n = perExample[0].length;
    let sum = 0;
    for (let e = 0; e < n; e++) {
      const mean = perExample.reduce((a, g) => a + g[e], 0) / batch;
      sum += perExample.reduce((a, g) => a + (g[e] - mean) ** 2, 0) / batch;
    }
    const run = new BanditRun(params, 'hnca', batch);
    const before = params.tensors.map((t) => Float32Array.from(t.value));
    run.update(rows, source, { labels }, { ...PAPER_OPTIMIZER, lr: 0 });
    params.tensors.forEach((t, i) => expect(Array.from(t.value)).toEqual(Array.from(before[i])));
    expect(sum).toBeGreaterThan(0);
    expect(run.counters.gradVarianceSum).toBeCloseTo(sum / n, 10);
  });

  it('a checkpoint of categorical units fits only the same unit kind and N', async () => {
    const saved = await new CpuBanditEngine(categorical, data).exportState();
    await expect(new CpuBanditEngine({ ...categorical, categories: 4 }, data).importState(saved, 'a.ckpt')).rejects.toThrow(EngineStateError);
    const bernoulli = { ...categorical, units: undefined, categories: undefined };
    await expect(new CpuBanditEngine(bernoulli, data).importState(saved, 'a.ckpt')).rejects.toThrow(/was saved with units categorical N=3, this run has bernoulli/);
    await expect(new CpuBanditEngine(categorical, data).importState(saved, 'a.ckpt')).resolves.toBeUndefined();
  });

  it.each([
    [{ categories: 1 }, /categories must be an integer in 2..10/],
    [{ categories: 11 }, /categories must be an integer in 2..10/],
    [{ categories: undefined }, /categories must be an integer in 2..10/],
    [{ units: 'bernoulli' as const, categories: 3 }, /categories 3 needs units categorical/],
  ])('refuses %o', (change, message) => {
    expect(() => new CpuBanditEngine({ ...categorical, ...change }, data)).toThrow(message);
  });
});
