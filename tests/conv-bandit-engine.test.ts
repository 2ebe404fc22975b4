// The conv bandit's CPU engine (docs/math.md §7.2) on a tiny in-memory dataset: paired runs (same
// initial weights and minibatches per seed), validation, counters, checkpoints, inspection.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.ts';
import { CpuConvBanditEngine } from '../src/backends/cpu/cpuConvBanditEngine.ts';
import { createConvBanditCpuEngine, createCpuEngine } from '../src/backends/cpu/index.ts';
import { EngineError, PAPER_OPTIMIZER, type ConvBanditConfig } from '../src/engine/types.ts';
import { tinyConvDataset as tinyDataset } from './helpers/tinyConvData.ts';

const config: ConvBanditConfig = {
  task: 'conv-bandit',
  convLayers: 2,
  channels: 3,
  width: 5,
  hiddenValues: 'pm1',
  estimators: ['hnca', 'reinforce', 'hnca-baseline'],
  seeds: [3, 4],
  batch: 8,
  ...PAPER_OPTIMIZER,
  lr: 0.01,
};

describe('conv bandit CPU engine', () => {
  const data = tinyDataset();

  it('starts its runs of one seed from the same weights, and different seeds from different ones', async () => {
    const engine = await createConvBanditCpuEngine(config, { data });
    try {
      expect(engine.runs.map((r) => `${r.estimator}/${r.seed}`)).toEqual(['hnca/3', 'reinforce/3', 'hnca-baseline/3', 'hnca/4', 'reinforce/4', 'hnca-baseline/4']);
      for (let layer = 0; layer < 4; layer++) {
        const [a, b, c, d] = await Promise.all([0, 1, 2, 3].map((run) => engine.readWeights(run, layer)));
        expect(b.data).toEqual(a.data);
        expect(c.data).toEqual(a.data);
        expect(d.data).not.toEqual(a.data);
      }
      const conv = await engine.readWeights(0, 1);
      expect([conv.rows, conv.cols]).toEqual([3, 27]);
      const linear = await engine.readWeights(0, 2);
      expect([linear.rows, linear.cols]).toEqual([5, 4 * 4 * 3]);
      await expect(engine.readWeights(0, 4)).rejects.toThrow(EngineError);
    } finally {
      engine.dispose();
    }
  });

  it('trains every run on the same minibatches: counters, per-layer variances, evaluation', async () => {
    const engine = await createConvBanditCpuEngine(config, { data });
    try {
      await engine.step(1);
      // every tensor of an update is released: the library's tensor count does not grow
      const tensors = tf.memory().numTensors;
      await engine.step(5);
      expect(tf.memory().numTensors).toBe(tensors);
      const counters = await engine.readCounters();
      for (const c of counters) {
        expect(c.finite).toBe(true);
        expect(c.updates).toBe(6);
        expect(c.examples).toBe(48);
        expect(c.layerGradVarianceSum).toHaveLength(4);
        for (const v of c.layerGradVarianceSum) expect(v).toBeGreaterThan(0);
      }
      const results = await engine.evaluate({ collectActions: true });
      expect(results).toHaveLength(6);
      for (const r of results) {
        expect(r.testScore).toBeGreaterThanOrEqual(0);
        expect(r.testScore).toBeLessThanOrEqual(1);
        expect(r.actions).toHaveLength(12);
      }
      const trace = await engine.inspect(0, new Uint8Array(64).fill(1), 7);
      expect(trace.probabilities[0]).toHaveLength(5);
      expect(trace.credit[0]).toHaveLength(5);
      expect(trace.actionProbabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    } finally {
      engine.dispose();
    }
  });

  it('a checkpoint restores the training exactly', async () => {
    const a = (await createConvBanditCpuEngine(config, { data })) as CpuConvBanditEngine;
    const b = (await createConvBanditCpuEngine(config, { data })) as CpuConvBanditEngine;
    try {
      await a.step(3);
      await b.importState(await a.exportState(), 'test');
      await a.step(4);
      await b.step(4);
      for (let layer = 0; layer < 4; layer++) expect((await b.readWeights(5, layer)).data).toEqual((await a.readWeights(5, layer)).data);
      expect(await b.readCounters()).toEqual(await a.readCounters());
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('rejects a bad config with one line naming the field', async () => {
    await expect(createConvBanditCpuEngine({ ...config, channels: 0 }, { data })).rejects.toThrow(/^channels must be an integer in 1\.\.64, got 0$/);
    await expect(createConvBanditCpuEngine({ ...config, estimators: [] }, { data })).rejects.toThrow(/at least one estimator/);
    const small: Dataset = { ...data, rows: 4, cols: 4, pixels: 16 };
    await expect(createConvBanditCpuEngine(config, { data: small })).rejects.toThrow(/2 3×3 convolutions need images of at least 5 pixels a side, got 4×4/);
    expect(() => createCpuEngine({ config, data })).toThrow(/starts asynchronously: use createConvBanditCpuEngine/);
  });
});
