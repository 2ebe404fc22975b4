// The conv bandit's WebGPU engine (src/backends/webgpu/convBandit: the trunk on tfjs-backend-webgpu on
// our device, the Bernoulli layer and the output in the bandit's kernels) against its CPU engine
// (the trunk on tfjs's CPU back end, the bandit's TypeScript), whole updates from the same seeds
// (docs/math.md §5, §7.2): the same samples, actions and rewards, parameters equal within float32
// tolerance, the same counters, evaluation, inspection, checkpoints and no TensorFlow.js tensor
// left across updates. A tiny trunk (SwiftShader runs tfjs-webgpu ~100× slower than WASM).
// A sample may legitimately flip when its uniform is within rounding of p (float32 on the GPU,
// float64 on the CPU): such a flip is checked to be a near tie and ends that run's comparison.
// Parity on gradients, not only on Adam's parameters (whose nearly scale-free steps hide a scale
// error): every update's batch-mean gradients (the GPU's grads buffer, before Adam; the CPU
// engine's tensor.grad), from the same parameters and draws, are compared tensor by tensor as
// max |GPU − CPU| / max |CPU| (tests/helpers/gradientParity.ts). Power: a scale error ε of any
// one tensor's gradient shows as ≈ ε there, so any ε above GRADIENT_TOLERANCE (0.01%) fails; the mutation
// controls prove it — the Bernoulli layer's learning signal ×1.1 (every trunk tensor's gradient
// 10% off: K, k, W, b) and the output layer's gradient ×1.1 (V, c) must each fail, on exactly
// the tensors they touch.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.ts';
import { CpuConvBanditEngine } from '../src/backends/cpu/cpuConvBanditEngine.ts';
import { createGpuConvBanditEngine } from '../src/backends/webgpu/index.ts';
import { BANDIT_ESTIMATORS, EngineError, PAPER_OPTIMIZER, type ConvBanditConfig } from '../src/engine/types.ts';
import { nodeGpu } from '../src/node/webgpuNode.ts';
import { streamKey, uniform } from '../src/rng/counterRng.ts';
import { Stream } from '../src/rng/streams.ts';
import { useTrunkBackend } from '../src/trunk/backend.ts';
import { tfjsTrunk } from '../src/trunk/tfjsTrunk.ts';
import { tensorGradientErrors } from './helpers/gradientParity.ts';
import { freshDevice, SHADERS, testDevice } from './helpers/gpuTest.ts';
import { biasLayerSignal, mutatedShaders } from './helpers/scriptedDraws.ts';
import { tinyConvDataset as tinyDataset } from './helpers/tinyConvData.ts';

const UPDATES = 7;
/**
 * per tensor, max |GPU − CPU gradient| / max |CPU gradient| allowed (float32 trunks on two
 * TensorFlow.js back ends; measured on SwiftShader: at most 2.9e-6 over 7 updates × 8 runs)
 */
const GRADIENT_TOLERANCE = 1e-4;

/** parameters move by about lr per update: the error relative to max(|θ|, lr) */
function worstParamError(gpu: Float32Array, cpu: Float32Array, lr: number): number {
  let worst = 0;
  for (let e = 0; e < cpu.length; e++) worst = Math.max(worst, Math.abs(gpu[e] - cpu[e]) / Math.max(Math.abs(cpu[e]), lr));
  return worst;
}

/** The conv bandit's WebGPU engine on the test device; `shaders` replaces the real sources (a mutation control's). */
async function gpuConvEngine(config: ConvBanditConfig, data: Dataset, shaders = SHADERS) {
  return createGpuConvBanditEngine({ config, data }, { device: await testDevice(), gpu: await nodeGpu(), shaders });
}

describe.each(['pm1', '01'] as const)('conv bandit: WebGPU engine vs CPU engine (%s)', (hiddenValues) => {
  it(`${UPDATES} updates across an epoch boundary, 4 estimators × 2 seeds: same samples, actions, rewards, parameters, counters, test actions`, async () => {
    const data = tinyDataset();
    const config: ConvBanditConfig = {
      task: 'conv-bandit',
      convLayers: hiddenValues === 'pm1' ? 1 : 2,
      channels: 3,
      width: 6,
      hiddenValues,
      estimators: [...BANDIT_ESTIMATORS],
      seeds: [3, 4],
      batch: 8,
      ...PAPER_OPTIMIZER,
      lr: 0.01,
    };
    await useTrunkBackend('cpu');
    const cpu = new CpuConvBanditEngine(config, data, tfjsTrunk, 'TensorFlow.js CPU back end');
    const gpu = await gpuConvEngine(config, data);
    try {
      const { width } = config;
      const diverged = new Set<number>();
      let worstParams = 0;
      let worstGradient = 0;
      let comparedSamples = 0;
      let tensorsAfterFirst = -1;
      for (let t = 0; t < UPDATES; t++) {
        await useTrunkBackend('cpu');
        await cpu.step(1);
        await gpu.step(1);
        // no TensorFlow.js tensor is left behind by an update
        if (t === 0) tensorsAfterFirst = tf.memory().numTensors;
        else expect(tf.memory().numTensors).toBe(tensorsAfterFirst);
        const grads = new Float32Array(await gpu.program.debugRead('grads'));
        const samples = new Float32Array(await gpu.program.debugRead('samples'));
        const actions = new Uint32Array(await gpu.program.debugRead('actions'));
        const rewards = new Float32Array(await gpu.program.debugRead('rewards'));
        for (const spec of gpu.runs) {
          const r = spec.index;
          if (diverged.has(r)) continue;
          const run = cpu.runAt(r);
          const got = samples.subarray(r * gpu.program.capacity * width, r * gpu.program.capacity * width + config.batch * width);
          const key = streamKey(spec.seed, t, Stream.hiddenBase);
          let flipped = false;
          for (let e = 0; e < config.batch * width && !flipped; e++) {
            comparedSamples++;
            if (got[e] !== run.scratch.sample[0][e]) {
              // only a near tie may flip (everything downstream of it may then differ)
              expect(Math.abs(uniform(key, e) - run.scratch.prob[0][e])).toBeLessThan(1e-5);
              flipped = true;
            }
          }
          if (flipped) {
            diverged.add(r);
            continue;
          }
          for (let b = 0; b < config.batch; b++) {
            expect(actions[r * gpu.program.capacity + b]).toBe(run.scratch.action[b]);
            expect(rewards[2 * (r * gpu.program.capacity + b)]).toBe(run.scratch.reward[b]);
          }
          const params = await gpu.program.readParameters(r);
          params.tensors.forEach((tensor, k) => (worstParams = Math.max(worstParams, worstParamError(tensor.value, run.params.tensors[k].value, config.lr))));
          worstGradient = Math.max(worstGradient, ...tensorGradientErrors(grads, r * params.parameterCount, run.params.tensors));
        }
      }
      console.log(
        `[conv parity ${hiddenValues}] samples compared ${comparedSamples}, runs ended by a near tie ${diverged.size}, worst parameter error ${worstParams.toExponential(2)} (relative to max(|θ|, lr)), ` +
          `worst gradient error ${worstGradient.toExponential(2)} (relative to the tensor's largest)`,
      );
      expect(diverged.size).toBeLessThanOrEqual(1);
      expect(comparedSamples).toBeGreaterThan(UPDATES * 6 * config.batch * width);
      expect(worstParams).toBeLessThan(1e-3);
      expect(worstGradient).toBeLessThan(GRADIENT_TOLERANCE);
      const [cc, gc] = [await cpu.readCounters(), await gpu.readCounters()];
      for (const spec of gpu.runs) {
        if (diverged.has(spec.index)) continue;
        const [a, b] = [cc[spec.index], gc[spec.index]];
        expect(b.updates).toBe(UPDATES);
        expect(b.updates).toBe(a.updates);
        expect(b.examples).toBe(a.examples);
        expect(b.scoreSum).toBe(a.scoreSum);
        expect(b.finite).toBe(true);
        expect(b.layerGradVarianceSum).toHaveLength(a.layerGradVarianceSum.length);
        expect(Math.abs(b.gradVarianceSum - a.gradVarianceSum) / a.gradVarianceSum).toBeLessThan(1e-3);
        a.layerGradVarianceSum.forEach((v, k) => expect(Math.abs(b.layerGradVarianceSum[k] - v) / v, `layer ${k}`).toBeLessThan(1e-3));
      }
      await useTrunkBackend('cpu');
      const ce = await cpu.evaluate({ collectActions: true });
      const ge = await gpu.evaluate({ collectActions: true });
      for (const spec of gpu.runs) {
        if (diverged.has(spec.index)) continue;
        expect(Array.from(ge[spec.index].actions ?? [])).toEqual(Array.from(ce[spec.index].actions ?? []));
        expect(ge[spec.index].testScore).toBe(ce[spec.index].testScore);
      }
      // inspection: the CPU engine's streams from the given seed
      const image = Uint8Array.from({ length: data.pixels }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
      const live = gpu.runs.find((s) => !diverged.has(s.index))?.index ?? 0;
      await useTrunkBackend('cpu');
      const ct = await cpu.inspect(live, image, 11);
      const gt = await gpu.inspect(live, image, 11);
      expect(Array.from(gt.samples[0])).toEqual(Array.from(ct.samples[0]));
      gt.probabilities[0].forEach((p, i) => expect(p).toBeCloseTo(ct.probabilities[0][i], 5));
      gt.credit[0].forEach((c, i) => expect(c).toBeCloseTo(ct.credit[0][i], 4));
      gt.actionProbabilities.forEach((p, i) => expect(p).toBeCloseTo(ct.actionProbabilities[i], 5));
      await expect(gpu.inspect(live, new Uint8Array(3), 1)).rejects.toThrow(/inspect needs 64 input values, got 3/);
      // inspection changes no training state: the next update (baseline runs included) still matches
      await useTrunkBackend('cpu');
      await cpu.step(1);
      await gpu.step(1);
      const [after, cpuAfter] = [await gpu.readCounters(), await cpu.readCounters()];
      for (const spec of gpu.runs) if (!diverged.has(spec.index)) expect(after[spec.index].scoreSum).toBe(cpuAfter[spec.index].scoreSum);
      for (let layer = 0; layer < config.convLayers + 2; layer++) {
        const [g, c] = [await gpu.readWeights(live, layer), await cpu.readWeights(live, layer)];
        expect([g.rows, g.cols]).toEqual([c.rows, c.cols]);
        expect(worstParamError(g.data, c.data, config.lr)).toBeLessThan(1e-3);
      }
      await expect(gpu.readWeights(0, config.convLayers + 2)).rejects.toThrow(EngineError);
    } finally {
      cpu.dispose();
      gpu.dispose();
    }
  });
});

describe('conv bandit gradient parity has power', () => {
  /**
   * Per run, the first update's per-tensor gradient errors [K0, k0, W, b, V, c] of a WebGPU engine
   * on `shaders` against the CPU engine (same seeds, so the same parameters and draws).
   */
  async function firstUpdateErrors(shaders: Record<string, string>): Promise<{ estimator: string; errors: number[] }[]> {
    const data = tinyDataset();
    const config: ConvBanditConfig = { task: 'conv-bandit', convLayers: 1, channels: 3, width: 6, hiddenValues: 'pm1', estimators: [...BANDIT_ESTIMATORS], seeds: [3], batch: 8, ...PAPER_OPTIMIZER, lr: 0.01 };
    await useTrunkBackend('cpu');
    const cpu = new CpuConvBanditEngine(config, data, tfjsTrunk, 'TensorFlow.js CPU back end');
    const gpu = await gpuConvEngine(config, data, shaders);
    try {
      await useTrunkBackend('cpu');
      await cpu.step(1);
      await gpu.step(1);
      const grads = new Float32Array(await gpu.program.debugRead('grads'));
      return gpu.runs.map((spec) => {
        const tensors = cpu.runAt(spec.index).params.tensors;
        return { estimator: spec.estimator, errors: tensorGradientErrors(grads, spec.index * tensors.reduce((a, t) => a + t.size, 0), tensors) };
      });
    } finally {
      cpu.dispose();
      gpu.dispose();
    }
  }

  it("mutation controls: the Bernoulli layer's signal ×1.1 puts ≈ 10% on every trunk tensor's gradient, the output layer's gradient ×1.1 on V and c only; the rest agree", async () => {
    // tensors [K0, k0, W, b, V, c]: the trunk's four get the signal's bias through its backward pass
    const signal = await firstUpdateErrors(biasLayerSignal(SHADERS, 'learning_signals.wgsl', ['hncaSignal', 'reinforceSignal']));
    const output = await firstUpdateErrors(mutatedShaders(SHADERS, 'weight_gradient.wgsl', '= acc / f32(step.batch);', '= 1.1 * acc / f32(step.batch);'));
    const show = (e: number[]) => e.map((v) => v.toExponential(1)).join(', ');
    console.log(`[conv gradient mutation controls] signal ×1.1: ${signal.map((r) => `${r.estimator} ${show(r.errors)}`).join('; ')} | output gradient ×1.1: ${output.map((r) => `${r.estimator} ${show(r.errors)}`).join('; ')}`);
    for (const { estimator, errors } of signal) {
      errors.forEach((e, k) => (k < 4 ? expect(e, `${estimator} tensor ${k}: ${show(errors)}`).toBeGreaterThan(0.05) : expect(e, `${estimator} tensor ${k}`).toBeLessThan(GRADIENT_TOLERANCE)));
    }
    for (const { estimator, errors } of output) {
      errors.forEach((e, k) => (k >= 4 ? expect(e, `${estimator} tensor ${k}: ${show(errors)}`).toBeGreaterThan(0.05) : expect(e, `${estimator} tensor ${k}`).toBeLessThan(GRADIENT_TOLERANCE)));
    }
  });
});

describe('conv bandit WebGPU engine: checkpoints', () => {
  it('a state exported by the CPU engine continues on the WebGPU engine, and one exported by the WebGPU engine restores it exactly', async () => {
    const data = tinyDataset();
    const config: ConvBanditConfig = { task: 'conv-bandit', convLayers: 1, channels: 2, width: 4, hiddenValues: 'pm1', estimators: ['hnca-baseline', 'reinforce'], seeds: [5], batch: 6, ...PAPER_OPTIMIZER, lr: 0.01 };
    await useTrunkBackend('cpu');
    const cpu = new CpuConvBanditEngine(config, data, tfjsTrunk, 'TensorFlow.js CPU back end');
    const a = await gpuConvEngine(config, data);
    const b = await gpuConvEngine(config, data);
    try {
      // tfjs has one active back end: making the WebGPU engines started theirs
      await useTrunkBackend('cpu');
      await cpu.step(3);
      await a.importState(await cpu.exportState(), 'cpu state');
      expect(a.updatesDone).toBe(3);
      await useTrunkBackend('cpu');
      await cpu.step(2);
      await a.step(2);
      for (let layer = 0; layer < 3; layer++) {
        const [g, c] = [await a.readWeights(1, layer), await cpu.readWeights(1, layer)];
        expect(worstParamError(g.data, c.data, config.lr)).toBeLessThan(1e-3);
      }
      const [cc, gc] = [await cpu.readCounters(), await a.readCounters()];
      expect(gc.map((c) => [c.updates, c.scoreSum])).toEqual(cc.map((c) => [c.updates, c.scoreSum]));
      await b.importState(await a.exportState(), 'gpu state');
      await a.step(2);
      await b.step(2);
      for (let layer = 0; layer < 3; layer++) expect((await b.readWeights(0, layer)).data).toEqual((await a.readWeights(0, layer)).data);
      expect(await b.readCounters()).toEqual(await a.readCounters());
      await expect(b.importState({ ...(await a.exportState()), updatesDone: 0, runs: [] }, 'broken')).rejects.toThrow(/broken/);
    } finally {
      cpu.dispose();
      a.dispose();
      b.dispose();
    }
  });
});

describe('conv bandit WebGPU engine: a batch past the capacity', () => {
  it('setHyperparameters({ batch }) past the 256 examples the buffers hold regrows them, and the updates still equal the CPU engine\'s', async () => {
    const data = tinyDataset(300);
    const config: ConvBanditConfig = { task: 'conv-bandit', convLayers: 1, channels: 2, width: 4, hiddenValues: 'pm1', estimators: ['hnca', 'reinforce-baseline'], seeds: [2], batch: 8, ...PAPER_OPTIMIZER, lr: 0.01 };
    await useTrunkBackend('cpu');
    const cpu = new CpuConvBanditEngine(config, data, tfjsTrunk, 'TensorFlow.js CPU back end');
    const gpu = await gpuConvEngine(config, data);
    try {
      expect(gpu.program.capacity).toBe(256);
      await useTrunkBackend('cpu');
      await cpu.step(1);
      await gpu.step(1);
      for (const engine of [cpu, gpu]) engine.setHyperparameters({ batch: 260 });
      expect(gpu.program.capacity).toBe(260);
      await useTrunkBackend('cpu');
      await cpu.step(1);
      await gpu.step(1);
      const [cc, gc] = [await cpu.readCounters(), await gpu.readCounters()];
      expect(gc.map((c) => [c.updates, c.examples, c.scoreSum])).toEqual(cc.map((c) => [c.updates, c.examples, c.scoreSum]));
      expect(gc[0].examples).toBe(268);
      for (const run of [0, 1]) {
        for (let layer = 0; layer < 3; layer++) {
          const [g, c] = [await gpu.readWeights(run, layer), await cpu.readWeights(run, layer)];
          expect(worstParamError(g.data, c.data, config.lr)).toBeLessThan(1e-3);
        }
      }
    } finally {
      cpu.dispose();
      gpu.dispose();
    }
  });
});

describe('conv bandit WebGPU engine: refusals in one line, before anything is allocated', () => {
  it('too many actions for the softmax kernel, a configuration past the device limits, another task', async () => {
    const data = tinyDataset();
    const config: ConvBanditConfig = { task: 'conv-bandit', convLayers: 1, channels: 2, width: 4, hiddenValues: 'pm1', estimators: ['hnca'], seeds: [1], batch: 4, ...PAPER_OPTIMIZER };
    const many = { ...data, classes: 65, train: { ...data.train, labels: data.train.labels.map((l) => l + 62) } };
    const options = { device: await testDevice(), gpu: await nodeGpu(), shaders: SHADERS };
    await expect(createGpuConvBanditEngine({ config, data: many }, options)).rejects.toThrow(/^WebGPU engine: at most 64 actions, the dataset has 65 classes$/);
    // the paper's trunk (9216 features × 200 units per run) for 4 estimators × 5 seeds: 148 MB of
    // parameters against a device with the default 128 MiB storage binding
    const device = await freshDevice();
    const mnistSized: Dataset = { ...data, rows: 28, cols: 28, pixels: 784, train: { ...data.train, images: new Uint8Array(40 * 784) }, test: { ...data.test, images: new Uint8Array(12 * 784) } };
    const paper: ConvBanditConfig = { ...config, convLayers: 2, channels: 16, width: 200, estimators: [...BANDIT_ESTIMATORS], seeds: [1, 2, 3, 4, 5], batch: 8 };
    const perRun = (9 + 1) * 16 + (9 * 16 + 1) * 16 + (24 * 24 * 16 + 1) * 200 + (200 + 1) * data.classes;
    expect(device.limits.maxStorageBufferBindingSize).toBeLessThan(20 * perRun * 4);
    const refused = createGpuConvBanditEngine({ config: paper, data: mnistSized }, { device, gpu: await nodeGpu(), shaders: SHADERS });
    await expect(refused).rejects.toThrow(EngineError);
    await expect(refused).rejects.toThrow(new RegExp(`^WebGPU engine: parameters of 20 runs needs maxStorageBufferBindingSize >= ${20 * perRun * 4}, but this device allows \\d+; use a smaller configuration`));
    device.destroy();
    await expect(createGpuConvBanditEngine({ config: { ...config, task: 'bandit' } as unknown as ConvBanditConfig, data }, options)).rejects.toThrow(/task bandit is not the conv bandit/);
  });
});
