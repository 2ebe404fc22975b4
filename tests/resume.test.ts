// Checkpoints (issue 15): an engine restored from a saved state continues bit for bit like one
// that was never interrupted; a state that does not fit is refused with one line.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.ts';
import { CpuBanditEngine } from '../src/backends/cpu/cpuBanditEngine.ts';
import { CpuVaeEngine } from '../src/backends/cpu/cpuVaeEngine.ts';
import { decodeEngineState, encodeEngineState, EngineStateError } from '../src/engine/state.ts';
import { PAPER_OPTIMIZER, type BanditConfig, type TrainingEngine, type VaeConfig } from '../src/engine/types.ts';
import { loadMnist } from '../src/node/mnist.ts';

const data: Dataset = loadMnist({ trainLimit: 130, testLimit: 30 });

/** Everything observable: counters, evaluations and every weight matrix of every run. */
async function observe(engine: TrainingEngine, layers: number): Promise<unknown> {
  const evaluations = await engine.evaluate();
  const counters = await engine.readCounters();
  const weights = [];
  for (const run of engine.runs) {
    for (let l = 0; l < layers; l++) weights.push(Array.from((await engine.readWeights(run.index, l)).data));
  }
  return { evaluations: evaluations.map((e) => e.testScore), counters, weights };
}

async function resumedEqualsUninterrupted(make: () => CpuBanditEngine | CpuVaeEngine, layers: number): Promise<void> {
  const uninterrupted = make();
  await uninterrupted.step(7);
  await uninterrupted.evaluate();
  await uninterrupted.step(2);
  const text = encodeEngineState(await uninterrupted.exportState());
  await uninterrupted.step(9); // crosses an epoch boundary (6 updates per epoch at batch 20)
  const resumed = make();
  await resumed.importState(decodeEngineState(text, 'test.ckpt'), 'test.ckpt');
  expect(resumed.updatesDone).toBe(9);
  await resumed.step(9);
  expect(await observe(resumed, layers)).toEqual(await observe(uninterrupted, layers));
}

const bandit = (hiddenValues: 'pm1' | '01'): BanditConfig => ({
  task: 'bandit',
  hidden: 2,
  width: 6,
  hiddenValues,
  estimators: ['hnca', 'hnca-baseline', 'reinforce', 'reinforce-baseline'],
  seeds: [4, 5],
  batch: 20,
  ...PAPER_OPTIMIZER,
  lr: 0.01,
});

describe('resume from a checkpoint (CPU engines)', () => {
  it('bandit, ±1 and 0/1, all four estimators, two seeds: bit for bit', async () => {
    await resumedEqualsUninterrupted(() => new CpuBanditEngine(bandit('pm1'), data), 3);
    await resumedEqualsUninterrupted(() => new CpuBanditEngine(bandit('01'), data), 3);
  });

  it('VAE, all six estimators (LOO and DisARM draw extra samples): bit for bit', async () => {
    const config: VaeConfig = {
      task: 'vae',
      layers: 2,
      width: 5,
      estimators: ['fhnca', 'fhnca-baseline', 'reinforce', 'reinforce-baseline', 'reinforce-loo', 'disarm'],
      seeds: [1],
      batch: 20,
      testK: 3,
      ...PAPER_OPTIMIZER,
      lr: 0.01,
    };
    await resumedEqualsUninterrupted(() => new CpuVaeEngine(config, data), 2);
  });

  it('the saved learning rate and batch size apply', async () => {
    const a = new CpuBanditEngine(bandit('pm1'), data);
    a.setHyperparameters({ lr: 0.05, batch: 10 });
    await a.step(3);
    const b = new CpuBanditEngine(bandit('pm1'), data);
    await b.importState(await a.exportState(), 'x');
    expect(b.config).toMatchObject({ lr: 0.05, batch: 10 });
  });

  it('a checkpoint of another model, other runs or other data is refused and changes nothing', async () => {
    const saved = await new CpuBanditEngine(bandit('pm1'), data).exportState();
    const wider = new CpuBanditEngine({ ...bandit('pm1'), width: 7 }, data);
    await expect(wider.importState(saved, 'a.ckpt')).rejects.toThrow(EngineStateError);
    await expect(wider.importState(saved, 'a.ckpt')).rejects.toThrow('a.ckpt: was saved with width 6, this run has 7');
    const otherSeeds = new CpuBanditEngine({ ...bandit('pm1'), seeds: [4, 6] }, data);
    await expect(otherSeeds.importState(saved, 'a.ckpt')).rejects.toThrow(/run 4 was hnca seed 5, this run has hnca seed 6/);
    const lessData = new CpuBanditEngine(bandit('pm1'), loadMnist({ trainLimit: 120, testLimit: 30 }));
    await expect(lessData.importState(saved, 'a.ckpt')).rejects.toThrow('a.ckpt: was saved with 130 train images, this run has 120');
    const vae = new CpuVaeEngine({ task: 'vae', layers: 2, width: 6, estimators: ['fhnca'], seeds: [4], batch: 20, testK: 2, ...PAPER_OPTIMIZER }, data);
    await expect(vae.importState(saved, 'a.ckpt')).rejects.toThrow('a.ckpt: was saved with task "bandit", this run has "vae"');
    expect(vae.updatesDone).toBe(0);
  });
});
