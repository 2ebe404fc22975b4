// Dispatches over maxComputeWorkgroupsPerDimension (issue 10, item 3) on this device's limits
// (SwiftShader's 65535 on machines without a GPU): a 1-D grid past the limit folds into a second
// dimension and computes what the CPU engine computes, every example included (the kernels'
// flat index must use the y dimension); a grid that cannot fold is refused with one line
// naming the limit and the value.
import { describe, expect, it } from 'vitest';
import { CpuBanditEngine } from '../src/backends/cpu/cpuBanditEngine.ts';
import { createGpuBanditEngine } from '../src/backends/webgpu/index.ts';
import { checkGrid, foldedGrid } from '../src/backends/webgpu/runtime/limits.ts';
import { EngineError } from '../src/engine/types.ts';
import { streamKey, uniform } from '../src/rng/counterRng.ts';
import { Stream } from '../src/rng/streams.ts';
import { gpuEngine, randomDataset, SHADERS, smallConfig, testDevice } from './helpers/gpuTest.ts';

describe('dispatch grids against maxComputeWorkgroupsPerDimension', () => {
  it('foldedGrid folds a count past the limit into y and checkGrid refuses a dimension past it in one line', async () => {
    const device = await testDevice();
    const max = device.limits.maxComputeWorkgroupsPerDimension;
    expect(foldedGrid(device, 10, 3)).toEqual([10, 1, 3]);
    expect(foldedGrid(device, max, 1)).toEqual([max, 1, 1]);
    expect(foldedGrid(device, max + 1, 2)).toEqual([max, 2, 2]);
    expect(() => checkGrid(device, [max, max, 1], 'kernel k')).not.toThrow();
    const error = (() => {
      try {
        checkGrid(device, [1, max + 1, 1], 'kernel binarize_minibatch (a batch of 70000)');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).kind).toBe('limits');
    const message = (error as EngineError).message;
    expect(message).toBe(
      `WebGPU engine: kernel binarize_minibatch (a batch of 70000) needs ${max + 1} workgroups along y, but this device allows maxComputeWorkgroupsPerDimension = ${max}; use a smaller configuration (fewer runs or a smaller batch)`,
    );
    expect(message).not.toContain('\n');
  });

  // the hidden layer's samples come from the tiled affine_bernoulli_sample (its grid does not fold);
  // they are compared too, since the folded credit and signals depend on them
  it('a batch whose credit and signal grids exceed the limit folds and matches the CPU engine in every example, samples included', async () => {
    const device = await testDevice();
    const max = device.limits.maxComputeWorkgroupsPerDimension;
    // batch × width / 64 workgroups just past the limit: the last 6 examples lie in y = 1
    // (seed 6 rewards two of them in each run, so their signals are not zero)
    const width = 4096;
    const batch = Math.floor((max * 64) / width) + 7;
    expect(Math.ceil((batch * width) / 64)).toBeGreaterThan(max);
    const data = randomDataset(4, 4, batch, 8);
    const config = smallConfig({ hidden: 1, width, batch, estimators: ['hnca', 'reinforce'], seeds: [6], lr: 0.01 });
    const cpu = new CpuBanditEngine(config, data);
    const gpu = await gpuEngine(config, data);
    await cpu.step(1);
    await gpu.step(1);
    const [samples, credit, signals] = await Promise.all((['samples', 'credit', 'signals'] as const).map(async (name) => new Float32Array(await gpu.program.debugRead(name, 0))));
    const tail = max * 64; // the first element computed by a workgroup with id.y = 1
    for (const spec of gpu.runs) {
      const r = spec.index;
      const s = cpu.runAt(r).scratch;
      const base = r * gpu.program.capacity * width;
      const key = streamKey(spec.seed, 0, Stream.hiddenBase);
      let signalScale = 0;
      for (let e = 0; e < batch * width; e++) signalScale = Math.max(signalScale, Math.abs(s.signal[0][e]));
      // element-wise checks without expect() per element (4 M elements): the first failure is reported
      const failures: string[] = [];
      let compared = 0;
      let tailSignals = 0;
      for (let b = 0; b < batch; b++) {
        // a near tie (u within float32 rounding of p) may flip a sample; its example is skipped
        let tie = false;
        for (let i = 0; i < width; i++) {
          const e = b * width + i;
          if (samples[base + e] === s.sample[0][e]) continue;
          if (Math.abs(uniform(key, e) - s.prob[0][e]) >= 1e-5) failures.push(`sample ${e}: ${samples[base + e]} vs ${s.sample[0][e]}`);
          tie = true;
        }
        if (tie) continue;
        for (let i = 0; i < width; i++) {
          const e = b * width + i;
          const c = s.credit[0][e];
          if (spec.estimator === 'hnca' && !(Math.abs(credit[base + e] - c) <= 1e-5 * Math.max(1, Math.abs(c)))) failures.push(`credit ${e}: ${credit[base + e]} vs ${c}`);
          if (!(Math.abs(signals[base + e] - s.signal[0][e]) <= 1e-5 * signalScale)) failures.push(`signal ${e}: ${signals[base + e]} vs ${s.signal[0][e]}`);
          compared++;
          if (e >= tail && Math.abs(s.signal[0][e]) > 1e-3 * signalScale) tailSignals++;
        }
      }
      expect(failures.slice(0, 3), `run ${r} (${spec.estimator}): ${failures.length} mismatches`).toEqual([]);
      expect(compared).toBeGreaterThan((batch - 3) * width);
      // the folded part holds signals far from zero (so that an unwritten tail could not pass)
      expect(tailSignals).toBeGreaterThan(width);
    }
    const [a, b] = [await cpu.readCounters(), await gpu.readCounters()];
    a.forEach((c, r) => {
      expect(b[r].examples).toBe(c.examples);
      expect(b[r].finite).toBe(true);
    });
    gpu.dispose();
    cpu.dispose();
    // SwiftShader: 4.2 M hidden units per run in tiled kernels (one invocation each) make this
    // update slow, 60-120 s under a load average of 10 on 2 cores (bench aside, not a speed target)
  }, 300_000);

  it('a batch too large for a grid is refused before anything is allocated, at creation and when the batch grows', async () => {
    const device = await testDevice();
    const max = device.limits.maxComputeWorkgroupsPerDimension;
    // binarize_minibatch runs one workgroup row per example (y = batch): a batch past the limit cannot fold
    const batch = max + 1;
    const data = randomDataset(2, 2, batch, 4);
    const config = smallConfig({ hidden: 1, width: 2, batch, estimators: ['reinforce'] });
    const error = await createGpuBanditEngine({ config, data }, { device, shaders: SHADERS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).kind).toBe('limits');
    expect((error as EngineError).message).toMatch(new RegExp(`^WebGPU engine: kernel binarize_minibatch \\(a batch of ${batch}\\) needs ${batch} workgroups along y, but this device allows maxComputeWorkgroupsPerDimension = ${max}; `));
    const small = await gpuEngine({ ...config, batch: 4 }, data);
    expect(() => small.setHyperparameters({ batch })).toThrow(/maxComputeWorkgroupsPerDimension/);
    expect(small.config.batch).toBe(4);
    await small.step(1);
    small.dispose();
  });
});
