import { describe, expect, it } from 'vitest';
import { describeRecord, epochRecord, isBanditRecord, zeroCounters, type VaeEpochRecord } from '../src/engine/records.ts';
import { train, type TrainingProgress } from '../src/engine/trainer.ts';
import type { BanditConfig, VaeConfig } from '../src/engine/types.ts';
import { PAPER_OPTIMIZER } from '../src/engine/types.ts';
import { FAKE_DATA, FakeEngine } from './helpers/fakeEngine.ts';

const data = FAKE_DATA;

const bandit: BanditConfig = {
  task: 'bandit',
  hidden: 2,
  width: 5,
  hiddenValues: 'pm1',
  estimators: ['hnca', 'reinforce'],
  seeds: [0, 1],
  batch: 50,
  ...PAPER_OPTIMIZER,
};

const vae: VaeConfig = { task: 'vae', layers: 2, width: 5, estimators: ['fhnca'], seeds: [3], batch: 100, testK: 7, ...PAPER_OPTIMIZER };

describe('epochRecord', () => {
  it('differences two counter reads', () => {
    const before = { ...zeroCounters(2), updates: 10, examples: 500, scoreSum: 100, gradVarianceSum: 1, layerGradVarianceSum: [2, 4] };
    const after = { updates: 30, examples: 1500, scoreSum: 600, gradVarianceSum: 3, layerGradVarianceSum: [12, 8], finite: true };
    const r = epochRecord(bandit, 4, before, after, { testScore: 0.7 }, 2.5);
    expect(isBanditRecord(r)).toBe(true);
    expect(r).toEqual({
      epoch: 4,
      trainAccuracy: 0.5,
      testAccuracy: 0.7,
      meanGradVariance: 0.1,
      logMeanGradVariance: Math.log(0.1),
      layerGradVariance: [0.5, 0.2],
      updates: 30,
      seconds: 2.5,
      evaluationSeconds: 0,
      finite: true,
    });
    expect(describeRecord(r)).toBe(`train acc 0.5000  test acc 0.7000  log var ${Math.log(0.1).toFixed(2)}`);
  });

  it('makes VAE records with the bound and its K, null when not evaluated, and reports failures', () => {
    const after = { updates: 2, examples: 200, scoreSum: -20000, gradVarianceSum: 2, layerGradVarianceSum: [1, 1], finite: false, failure: 'NaN in layer 1' };
    const r = epochRecord(vae, 1, zeroCounters(2), after, undefined, 1) as VaeEpochRecord;
    expect(r.trainElbo).toBe(-100);
    expect(r.testBound).toBeNull();
    expect(r.k).toBe(7);
    expect(r.finite).toBe(false);
    expect(r.failure).toBe('NaN in layer 1');
    expect(describeRecord(r)).toContain('STOPPED: NaN in layer 1');
    expect(epochRecord(vae, 1, zeroCounters(2), after, { testScore: -90, k: 1000 }, 1)).toMatchObject({ testBound: -90, k: 1000 });
  });
});

describe('train', () => {
  it('runs epochs in chunks, evaluates, and returns one record per run and epoch', async () => {
    const engine = new FakeEngine({ config: bandit, data });
    const progress: TrainingProgress[] = [];
    const epochsSeen: number[] = [];
    let clock = 0;
    const result = await train(engine, {
      epochs: 3,
      chunk: 8,
      now: () => (clock += 10),
      onProgress: (p) => progress.push(p),
      onEpoch: (epoch, records) => {
        epochsSeen.push(epoch);
        expect(records).toHaveLength(4);
      },
    });
    expect(engine.updatesPerEpoch).toBe(20);
    expect(engine.stepCalls).toEqual([8, 8, 4, 8, 8, 4, 8, 8, 4]);
    expect(epochsSeen).toEqual([1, 2, 3]);
    expect(result.epochs).toBe(3);
    expect(result.stopped).toBe(false);
    expect(result.runs.map((r) => [r.estimator, r.seed])).toEqual([
      ['hnca', 0],
      ['reinforce', 0],
      ['hnca', 1],
      ['reinforce', 1],
    ]);
    const run1 = result.runs[1].epochs;
    expect(run1.map((r) => r.updates)).toEqual([20, 40, 60]);
    for (const r of run1) {
      if (!isBanditRecord(r)) throw new Error('expected bandit records');
      expect(r.trainAccuracy).toBeCloseTo(0.2, 12);
      expect(r.meanGradVariance).toBeCloseTo(0.01, 12);
      expect(r.layerGradVariance).toEqual([1, 2, 3]);
    }
    expect(run1.map((r) => (isBanditRecord(r) ? r.testAccuracy : null))).toEqual([0.51, 0.52, 0.53]);
    const last = progress[progress.length - 1];
    expect(last.updatesDone).toBe(60);
    expect(last.updatesTotal).toBe(60);
    expect(last.etaSeconds).toBe(0);
    // wall clock since the start (each now() call ticks 10 ms): start 10, epoch start 20,
    // first report 30, second report 40 after 8 updates → 8 updates in 30 ms
    expect(progress[1].updatesPerSecond).toBeCloseTo(8000 / 30, 6);
  });

  it('evaluates every N epochs and at the last one', async () => {
    const engine = new FakeEngine({ config: vae, data });
    const result = await train(engine, { epochs: 5, evaluateEvery: 2 });
    expect(engine.evaluations).toBe(3);
    expect(result.runs[0].epochs.map((r) => (isBanditRecord(r) ? 'bandit' : r.testBound))).toEqual([null, 0.51, null, 0.52, 0.53]);
  });

  it('stops between chunks when asked and returns the completed epochs', async () => {
    const engine = new FakeEngine({ config: bandit, data });
    let calls = 0;
    const result = await train(engine, { epochs: 3, chunk: 5, shouldStop: () => ++calls > 6 });
    expect(result.stopped).toBe(true);
    expect(result.epochs).toBe(1);
    expect(result.runs[0].epochs).toHaveLength(1);
  });
});
