// Whole-update parity (docs/math.md §5): the WebGPU engine and the CPU engine, from the same seeds,
// draw the same samples and actions and reach the same parameters (float32 tolerance) over
// several updates that cross an epoch boundary, for every estimator, ±1 and 0/1 values.
// A sample may legitimately flip when the uniform is within rounding of p (float32 logits on the
// GPU, float64 on the CPU); such a flip is checked to be a near tie and ends that run's comparison.
// Every update's batch-mean gradients are compared too, tensor by tensor relative to the tensor's
// largest gradient (GRADIENT_TOLERANCE): a scale error of any layer's gradient shows there, where
// Adam's nearly scale-free steps hid a 30% bias in the parameters; the mutation control (the first
// hidden layer's learning signal ×1.1 in the GPU's shaders) must fail it.
import { describe, expect, it } from 'vitest';
import { CpuBanditEngine } from '../src/backends/cpu/cpuBanditEngine.ts';
import { BANDIT_ESTIMATORS, type BanditConfig } from '../src/engine/types.ts';
import { streamKey, uniform } from '../src/rng/counterRng.ts';
import { Stream } from '../src/rng/streams.ts';
import { tensorGradientErrors } from './helpers/gradientParity.ts';
import { gpuEngine, randomDataset, SHADERS, smallConfig } from './helpers/gpuTest.ts';
import { biasLayerSignal } from './helpers/scriptedDraws.ts';

const UPDATES = 10;
/** per tensor, max |GPU − CPU gradient| / max |CPU gradient| allowed (float32 against float64 sums) */
const GRADIENT_TOLERANCE = 1e-4;

function worstParamError(gpu: Float32Array, cpu: Float32Array, lr: number): number {
  // parameters move by about lr per update: error relative to max(|θ|, lr)
  let worst = 0;
  for (let e = 0; e < cpu.length; e++) worst = Math.max(worst, Math.abs(gpu[e] - cpu[e]) / Math.max(Math.abs(cpu[e]), lr));
  return worst;
}

describe.each(['pm1', '01'] as const)('WebGPU vs CPU engine, whole updates (%s)', (hiddenValues) => {
  it(`${UPDATES} updates, 4 estimators × 2 seeds: same samples, actions, parameters, counters and test accuracy`, async () => {
    const data = randomDataset(30, 4, 64, 48);
    const config: BanditConfig = smallConfig({ hiddenValues, estimators: [...BANDIT_ESTIMATORS], seeds: [3, 8], width: 10, batch: 8, lr: 0.01 });
    const cpu = new CpuBanditEngine(config, data);
    const gpu = await gpuEngine(config, data);
    const widths = [config.width, config.width];
    const diverged = new Set<number>();
    let worstParams = 0;
    let worstGradient = 0;
    let comparedSamples = 0;
    let flips = 0;
    for (let t = 0; t < UPDATES; t++) {
      await cpu.step(1);
      await gpu.step(1);
      const samples = await Promise.all(widths.map((_, l) => gpu.program.debugRead('samples', l)));
      const actions = new Uint32Array(await gpu.program.debugRead('actions'));
      const grads = new Float32Array(await gpu.program.debugRead('grads'));
      for (const spec of gpu.runs) {
        if (diverged.has(spec.index)) continue;
        const r = spec.index;
        const cpuRun = cpu.runAt(r);
        let flipped = false;
        widths.forEach((w, l) => {
          const got = new Float32Array(samples[l]).subarray(r * gpu.program.capacity * w, r * gpu.program.capacity * w + config.batch * w);
          const key = streamKey(spec.seed, t, Stream.hiddenBase + l);
          for (let e = 0; e < config.batch * w; e++) {
            comparedSamples++;
            if (got[e] !== cpuRun.scratch.sample[l][e] && !flipped) {
              // only a near tie may flip, and everything downstream of it may then differ
              const p = cpuRun.scratch.prob[l][e];
              expect(Math.abs(uniform(key, e) - p)).toBeLessThan(1e-5);
              flipped = true;
            }
          }
        });
        for (let b = 0; b < config.batch && !flipped; b++) expect(actions[r * gpu.program.capacity + b]).toBe(cpuRun.scratch.action[b]);
        if (flipped) {
          flips++;
          diverged.add(r);
          continue;
        }
        const params = await gpu.program.readParameters(r);
        params.tensors.forEach((tensor, k) => (worstParams = Math.max(worstParams, worstParamError(tensor.value, cpuRun.params.tensors[k].value, config.lr))));
        const n = params.parameterCount;
        worstGradient = Math.max(worstGradient, ...tensorGradientErrors(grads, r * n, cpuRun.params.tensors));
      }
    }
    console.log(`[parity ${hiddenValues}] samples compared ${comparedSamples}, flips ${flips}, worst parameter error ${worstParams.toExponential(2)} (relative to max(|θ|, lr)), worst gradient error ${worstGradient.toExponential(2)} (relative to the tensor's largest)`);
    expect(diverged.size).toBeLessThanOrEqual(1);
    expect(worstParams).toBeLessThan(1e-4);
    expect(worstGradient).toBeLessThan(GRADIENT_TOLERANCE);
    const [cc, gc] = [await cpu.readCounters(), await gpu.readCounters()];
    for (const spec of gpu.runs) {
      if (diverged.has(spec.index)) continue;
      const [a, b] = [cc[spec.index], gc[spec.index]];
      expect(b.updates).toBe(a.updates);
      expect(b.examples).toBe(a.examples);
      expect(b.scoreSum).toBe(a.scoreSum);
      expect(b.finite).toBe(true);
      expect(Math.abs(b.gradVarianceSum - a.gradVarianceSum) / a.gradVarianceSum).toBeLessThan(1e-4);
      a.layerGradVarianceSum.forEach((v, k) => expect(Math.abs(b.layerGradVarianceSum[k] - v) / v).toBeLessThan(1e-4));
    }
    const [ce, ge] = [await cpu.evaluate({ collectActions: true }), await gpu.evaluate({ collectActions: true })];
    for (const spec of gpu.runs) {
      if (diverged.has(spec.index)) continue;
      expect(ge[spec.index].actions).toEqual(ce[spec.index].actions);
      expect(ge[spec.index].testScore).toBe(ce[spec.index].testScore);
    }
    gpu.dispose();
    cpu.dispose();
  });
});

describe('gradient parity has power', () => {
  it("mutation control: with the first hidden layer's learning signal ×1.1 on the GPU, the first update's layer-0 gradients differ by ≈ 10% and the rest agree", async () => {
    const data = randomDataset(30, 4, 64, 48);
    const config: BanditConfig = smallConfig({ estimators: [...BANDIT_ESTIMATORS], seeds: [3], width: 10, batch: 8, lr: 0.01 });
    const cpu = new CpuBanditEngine(config, data);
    const gpu = await gpuEngine(config, data, undefined, { shaders: biasLayerSignal(SHADERS, 'learning_signals.wgsl', ['hncaSignal', 'reinforceSignal']) });
    try {
      await cpu.step(1);
      await gpu.step(1);
      const grads = new Float32Array(await gpu.program.debugRead('grads'));
      for (const spec of gpu.runs) {
        const tensors = cpu.runAt(spec.index).params.tensors;
        const n = tensors.reduce((a, t) => a + t.size, 0);
        const errors = tensorGradientErrors(grads, spec.index * n, tensors);
        // [W0, b0] carry the bias; [W1, b1, W2, b2] do not
        errors.forEach((e, k) => (k < 2 ? expect(e, `${spec.estimator} tensor ${k}`).toBeGreaterThan(0.05) : expect(e, `${spec.estimator} tensor ${k}`).toBeLessThan(GRADIENT_TOLERANCE)));
      }
    } finally {
      gpu.dispose();
      cpu.dispose();
    }
  });
});
