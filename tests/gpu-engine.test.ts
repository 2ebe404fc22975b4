// The WebGPU engine's contract beyond the numbers: limits named in errors, device loss
// surfaced as EngineError('device-lost'), metric windows read back asynchronously without
// losing any update, readWeights / inspect against the CPU engine, batch growth.
import { describe, expect, it } from 'vitest';
import { CpuBanditEngine } from '../src/backends/cpu/cpuBanditEngine.ts';
import { createGpuBanditEngine } from '../src/backends/webgpu/index.ts';
import { EngineError } from '../src/engine/types.ts';
import { freshDevice, gpuEngine, randomDataset, SHADERS, smallConfig } from './helpers/gpuTest.ts';

const data = randomDataset(30, 4, 64, 40);

describe('WebGPU engine contract', () => {
  it('a configuration over a device limit fails with EngineError("limits") naming the limit', async () => {
    const device = await freshDevice();
    const limit = device.limits.maxStorageBufferBindingSize;
    // parameters of 3 runs of width 4096 (2 × 64 MiB each) exceed a 128 MiB binding
    const config = smallConfig({ hidden: 2, width: 4096, estimators: ['hnca', 'reinforce', 'hnca-baseline'] });
    const error = await createGpuBanditEngine({ config, data }, { device, shaders: SHADERS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).kind).toBe('limits');
    expect((error as EngineError).message).toMatch(/maxStorageBufferBindingSize|maxBufferSize/);
    expect((error as EngineError).message).toContain(String(limit));
    device.destroy();
  });

  it('a lost device is reported to the caller as EngineError("device-lost")', async () => {
    const device = await freshDevice();
    const engine = await createGpuBanditEngine({ config: smallConfig(), data }, { device, shaders: SHADERS });
    await engine.step(2);
    device.destroy();
    await device.lost;
    const error = await engine.step(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).kind).toBe('device-lost');
    expect(() => engine.setHyperparameters({ lr: 1e-3 })).toThrow(/device lost/);
    engine.dispose();
  });

  it('metric windows flushed every 3 updates (both staging buffers busy at times) add up to the CPU counters', async () => {
    const config = smallConfig({ estimators: ['hnca-baseline', 'reinforce'], seeds: [4, 9] });
    const cpu = new CpuBanditEngine(config, data);
    const gpu = await gpuEngine(config, data, undefined, { flushEvery: 3 });
    for (const n of [1, 4, 7, 2, 9]) {
      await cpu.step(n);
      await gpu.step(n);
    }
    const [a, b] = [await cpu.readCounters(), await gpu.readCounters()];
    a.forEach((c, r) => {
      expect(b[r].updates).toBe(23);
      expect(b[r].examples).toBe(c.examples);
      expect(b[r].scoreSum).toBe(c.scoreSum);
      expect(Math.abs(b[r].gradVarianceSum - c.gradVarianceSum) / c.gradVarianceSum).toBeLessThan(1e-4);
    });
    // a second read without new updates changes nothing
    expect((await gpu.readCounters()).map((c) => c.updates)).toEqual([23, 23, 23, 23]);
    gpu.dispose();
    cpu.dispose();
  });

  it('readWeights and inspect agree with the CPU engine; a batch larger than the capacity reallocates', async () => {
    const config = smallConfig();
    const cpu = new CpuBanditEngine(config, data);
    const gpu = await gpuEngine(config, data);
    await cpu.step(3);
    await gpu.step(3);
    for (let layer = 0; layer < 3; layer++) {
      const [w1, w2] = [await cpu.readWeights(1, layer), await gpu.readWeights(1, layer)];
      expect([w2.rows, w2.cols]).toEqual([w1.rows, w1.cols]);
      w1.data.forEach((v, e) => expect(Math.abs(w2.data[e] - v)).toBeLessThan(1e-5 * Math.max(1, Math.abs(v))));
    }
    const pixels = Uint8Array.from({ length: 30 }, (_, j) => j % 3 === 0 ? 1 : 0);
    const [t1, t2] = [await cpu.inspect(0, pixels, 7), await gpu.inspect(0, pixels, 7)];
    expect(t2.samples).toEqual(t1.samples);
    t1.actionProbabilities.forEach((p, k) => expect(Math.abs(t2.actionProbabilities[k] - p)).toBeLessThan(1e-5));
    await expect(gpu.readWeights(0, 3)).rejects.toThrow(EngineError);
    gpu.dispose();
    cpu.dispose();
  });

  it('a batch larger than the activation capacity reallocates and stays in step with the CPU engine', async () => {
    const big = randomDataset(30, 4, 700, 40);
    const config = smallConfig({ width: 6 });
    const cpu = new CpuBanditEngine(config, big);
    const gpu = await gpuEngine(config, big);
    await cpu.step(2);
    await gpu.step(2);
    const batch = gpu.program.capacity + 44;
    cpu.setHyperparameters({ batch, lr: 0.02 });
    gpu.setHyperparameters({ batch, lr: 0.02 });
    expect(gpu.program.capacity).toBe(batch);
    await cpu.step(2);
    await gpu.step(2);
    const [a, b] = [await cpu.readCounters(), await gpu.readCounters()];
    a.forEach((c, r) => {
      expect(b[r].examples).toBe(2 * 8 + 2 * batch);
      expect(b[r].examples).toBe(c.examples);
      expect(b[r].scoreSum).toBe(c.scoreSum);
    });
    gpu.dispose();
    cpu.dispose();
  });

  it("the runtime's buffer-byte counter (the soak's GPU figure) stays flat over training and readbacks, follows a reallocation and drops to 0 on dispose", async () => {
    const big = randomDataset(30, 4, 300, 40);
    const gpu = await gpuEngine(smallConfig({ width: 6 }), big);
    const initial = gpu.gpuBufferBytes;
    expect(initial).toBeGreaterThan(0);
    await gpu.step(7);
    await gpu.evaluate();
    await gpu.readCounters();
    await gpu.readWeights(0, 0);
    await gpu.exportState(); // readbacks use temporary staging buffers: released again
    await gpu.step(5);
    await gpu.readCounters();
    expect(gpu.gpuBufferBytes).toBe(initial);
    const batch = gpu.program.capacity + 40;
    gpu.setHyperparameters({ batch });
    const grown = gpu.gpuBufferBytes;
    expect(grown).toBeGreaterThan(initial); // the old activation buffers were released, larger ones made
    gpu.setHyperparameters({ batch: 8 }); // a smaller batch keeps the capacity
    await gpu.step(3);
    await gpu.readCounters();
    expect(gpu.gpuBufferBytes).toBe(grown);
    gpu.dispose();
    expect(gpu.gpuBufferBytes).toBe(0);
  });
});

describe('WebGPU engine setup errors', () => {
  it('a shader that does not compile fails the factory with EngineError, not the first update', async () => {
    const broken = { ...SHADERS, 'learning_signals.wgsl': SHADERS['learning_signals.wgsl'].replace('reinforceSignal(signal, samples[at], p)', 'reinforceSignal(signal, samples[at], undefinedName)') };
    const device = await freshDevice();
    const error = await createGpuBanditEngine({ config: smallConfig(), data }, { device, shaders: broken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).message).toMatch(/undefinedName/);
    device.destroy();
  });
});
