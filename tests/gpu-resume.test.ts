// Checkpoints on the WebGPU engine (issue 15, SwiftShader): a restored engine continues bit for
// bit like an uninterrupted one; the format is the CPU engine's, so a CPU state imports exactly.
import { describe, expect, it } from 'vitest';
import { CpuBanditEngine } from '../src/backends/cpu/cpuBanditEngine.ts';
import { decodeEngineState, encodeEngineState, engineStateToJson } from '../src/engine/state.ts';
import type { TrainingEngine } from '../src/engine/types.ts';
import { gpuEngine, randomDataset, smallConfig } from './helpers/gpuTest.ts';

const data = randomDataset(20, 4, 70, 24);
const config = smallConfig({ estimators: ['hnca', 'hnca-baseline', 'reinforce-baseline'], seeds: [3, 4], batch: 8 });

async function weights(engine: TrainingEngine): Promise<number[][]> {
  const out: number[][] = [];
  for (const run of engine.runs) for (let l = 0; l <= config.hidden; l++) out.push(Array.from((await engine.readWeights(run.index, l)).data));
  return out;
}

describe('WebGPU engine state', () => {
  it('export → import into a fresh engine → continue: bit for bit like the uninterrupted engine', { timeout: 120_000 }, async () => {
    const uninterrupted = await gpuEngine(config, data);
    const resumed = await gpuEngine(config, data);
    try {
      await uninterrupted.step(5);
      await uninterrupted.evaluate();
      await uninterrupted.step(3);
      const text = encodeEngineState(await uninterrupted.exportState());
      await uninterrupted.step(6); // crosses an epoch (8 updates per epoch)
      await resumed.importState(decodeEngineState(text, 'gpu.ckpt'), 'gpu.ckpt');
      await resumed.step(6);
      expect(await resumed.evaluate()).toEqual(await uninterrupted.evaluate());
      expect(await resumed.readCounters()).toEqual(await uninterrupted.readCounters());
      expect(await weights(resumed)).toEqual(await weights(uninterrupted));
    } finally {
      uninterrupted.dispose();
      resumed.dispose();
    }
  });

  it('a CPU engine state imports exactly (parameters, counters, position) and training goes on', { timeout: 120_000 }, async () => {
    const cpu = new CpuBanditEngine(config, data);
    await cpu.step(4);
    const gpu = await gpuEngine(config, data);
    try {
      await gpu.importState(await cpu.exportState(), 'cpu.ckpt');
      expect(await weights(gpu)).toEqual(await weights(cpu));
      expect(await gpu.readCounters()).toEqual(await cpu.readCounters());
      expect(gpu.updatesDone).toBe(4);
      await gpu.step(2);
      await cpu.step(2);
      const [g, c] = [await weights(gpu), await weights(cpu)];
      // the same samples on both engines: the parameters agree to float32 rounding
      g.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(x - c[i][j])).toBeLessThan(1e-4 * (1 + Math.abs(c[i][j])))));
    } finally {
      gpu.dispose();
    }
  });

  it('a WebGPU state imports exactly into the CPU engine (the playground after a lost device): the same state back, and training goes on', { timeout: 120_000 }, async () => {
    const gpu = await gpuEngine(config, data);
    try {
      await gpu.step(5);
      await gpu.evaluate();
      await gpu.step(6); // crosses an epoch: the stream position is mid-permutation
      const saved = await gpu.exportState();
      const cpu = new CpuBanditEngine(config, data);
      await cpu.importState(decodeEngineState(encodeEngineState(saved), 'gpu.ckpt'), 'gpu.ckpt');
      // parameters, Adam's moments, baselines, counters, RNG counters and stream positions: all of it
      expect(engineStateToJson(await cpu.exportState())).toEqual(engineStateToJson(saved));
      expect(await weights(cpu)).toEqual(await weights(gpu));
      expect(await cpu.readCounters()).toEqual(await gpu.readCounters());
      expect(cpu.updatesDone).toBe(11);
      await gpu.step(3);
      await cpu.step(3);
      const [g, c] = [await weights(gpu), await weights(cpu)];
      g.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(x - c[i][j])).toBeLessThan(1e-4 * (1 + Math.abs(c[i][j])))));
      expect((await cpu.readCounters()).map((r) => r.examples)).toEqual((await gpu.readCounters()).map((r) => r.examples));
    } finally {
      gpu.dispose();
    }
  });
});
