// The conv bandit's subsampled gradient-variance metric (ConvBanditConfig.varianceEvery, the
// playground's conv task): the trunk's batch-mean gradient without per-example gradients equals
// the measured path's, the engine measures exactly updates 0, n, 2n, … and the metric is the
// mean over those; the CLI's default (every update) is unchanged.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuConvBanditEngine } from '../src/backends/cpu/cpuConvBanditEngine.ts';
import { createConvBanditCpuEngine } from '../src/backends/cpu/index.ts';
import { epochRecord, zeroCounters } from '../src/engine/records.ts';
import { EngineError, PAPER_OPTIMIZER, type ConvBanditConfig } from '../src/engine/types.ts';
import { useTrunkBackend } from '../src/trunk/backend.ts';
import { tfjsTrunk } from '../src/trunk/tfjsTrunk.ts';
import { IMAGE, problems, tinyParameters } from './helpers/convBanditExact.ts';
import { TestRandom } from './helpers/random.ts';
import { tinyConvDataset } from './helpers/tinyConvData.ts';

const config: ConvBanditConfig = {
  task: 'conv-bandit',
  convLayers: 2,
  channels: 3,
  width: 5,
  hiddenValues: 'pm1',
  estimators: ['hnca', 'reinforce'],
  seeds: [3],
  batch: 8,
  ...PAPER_OPTIMIZER,
  lr: 0.01,
};

describe('conv bandit: the variance metric on every n-th update', () => {
  beforeAll(async () => {
    await useTrunkBackend('wasm');
  });

  it('backwardMean gives the batch-mean gradient of backward (float32 rounding), for both trunk depths', () => {
    for (const problem of problems) {
      const params = tinyParameters(problem.shape, 5);
      const batch = 4;
      const pixels = new Float32Array(batch * IMAGE.length);
      for (let b = 0; b < batch; b++) for (let e = 0; e < IMAGE.length; e++) pixels[b * IMAGE.length + e] = IMAGE[(e + 5 * b) % IMAGE.length];
      const signal = Float64Array.from(new TestRandom(4).floats(batch * problem.shape.width, -1, 1));
      const trunk = tfjsTrunk(problem.shape)(params.trunkTensors);
      const measured = trunk.forward(pixels, batch);
      measured.backward(signal);
      measured.dispose();
      const expected = params.trunkTensors.map((t) => Float64Array.from(t.grad));
      for (const t of params.trunkTensors) t.grad.fill(Number.NaN);
      const fast = trunk.forward(pixels, batch);
      fast.backwardMean(signal);
      fast.dispose();
      params.trunkTensors.forEach((t, k) => {
        const scale = Math.max(...expected[k].map(Math.abs));
        expect(scale, `${problem.shape.convLayers} conv layers, tensor ${k}`).toBeGreaterThan(1e-4);
        t.grad.forEach((g, e) => expect(Math.abs(g - expected[k][e]), `${problem.shape.convLayers} conv layers, tensor ${k}[${e}]`).toBeLessThan(1e-5 * scale + 1e-7));
      });
      expect(() => fast.backwardMean(signal)).toThrow(/disposed/);
    }
  });

  it('measures updates 0, 3, 6 of 8 with varianceEvery 3, and the metric is their mean; every update without it', async () => {
    const data = tinyConvDataset();
    const every = (await createConvBanditCpuEngine({ ...config, varianceEvery: 3 }, { data })) as CpuConvBanditEngine;
    const all = await createConvBanditCpuEngine(config, { data });
    try {
      expect(every.varianceEvery).toBe(3);
      expect(all.varianceEvery).toBe(1);
      await every.step(1);
      await all.step(1);
      // update 0 is measured by both, from the same weights and minibatch: the same variance
      const [first] = await every.readCounters();
      const [firstAll] = await all.readCounters();
      expect(first.varianceUpdates).toBeUndefined();
      expect(first.gradVarianceSum).toBe(firstAll.gradVarianceSum);
      await every.step(7);
      await all.step(7);
      const counters = await every.readCounters();
      for (const c of counters) {
        expect(c.updates).toBe(8);
        expect(c.varianceUpdates).toBe(3);
        expect(c.finite).toBe(true);
        const record = epochRecord(every.config, 1, zeroCounters(c.layerGradVarianceSum.length), c, undefined, 1);
        expect(record.meanGradVariance).toBeCloseTo(c.gradVarianceSum / 3, 12);
        expect(Number.isFinite(record.logMeanGradVariance)).toBe(true);
      }
      for (const c of await all.readCounters()) {
        expect(c.updates).toBe(8);
        expect(c.varianceUpdates).toBeUndefined();
      }
      // a checkpoint carries the count, so a resumed run's windows divide by the right number
      const state = await every.exportState();
      expect(state.runs[0].counters.varianceUpdates).toBe(3);
      const resumed = (await createConvBanditCpuEngine({ ...config, varianceEvery: 3 }, { data })) as CpuConvBanditEngine;
      try {
        await resumed.importState(state, 'test');
        expect((await resumed.readCounters())[0].varianceUpdates).toBe(3);
      } finally {
        resumed.dispose();
      }
    } finally {
      every.dispose();
      all.dispose();
    }
  }, 60_000);

  it('refuses a varianceEvery that is not a positive integer', async () => {
    const data = tinyConvDataset();
    for (const varianceEvery of [0, 2.5, -1]) {
      await expect(createConvBanditCpuEngine({ ...config, varianceEvery }, { data })).rejects.toThrow(EngineError);
      await expect(createConvBanditCpuEngine({ ...config, varianceEvery }, { data })).rejects.toThrow(/varianceEvery/);
    }
  });
});
