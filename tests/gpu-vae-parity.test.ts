// The WebGPU VAE program against the CPU engine (docs/math.md §5 parity): on a tiny synthetic
// dataset, every VAE estimator (the appendix-K ablations included) × 2 seeds at depth 1–3 gives
// the same counters (ELBO sums, encoder-gradient variances overall and per layer) and the same
// parameters within float32 rounding after 10 updates, and the same samples. Every update's
// batch-mean gradients are compared too, tensor by tensor relative to the tensor's largest: a scale
// error of any layer's gradient shows there (Adam's steps hide it in the parameters); the mutation
// control (the first encoder layer's signal ×1.1 on the GPU) must fail it.
import { describe, expect, it } from 'vitest';
import { CpuVaeEngine } from '../src/backends/cpu/cpuVaeEngine.ts';
import { paramArrays } from '../src/models/vae/params.ts';
import { tensorGradientErrors } from './helpers/gradientParity.ts';
import { biasEncoderSignal, gpuVaeEngine, syntheticVaeData as syntheticData, tinyVaeConfig } from './helpers/gpuVae.ts';
import { SHADERS } from './helpers/gpuTest.ts';

const UPDATES = 10;
/** per tensor, max |GPU − CPU gradient| / max |CPU gradient| allowed (float32 against float64 sums) */
const GRADIENT_TOLERANCE = 1e-4;

describe.each([1, 2, 3])('WebGPU VAE = CPU VAE at depth %i', (layers) => {
  it(`${UPDATES} updates × every estimator × 2 seeds: counters and parameters within float32 rounding`, async () => {
    const data = syntheticData(7, 60, 6);
    const config = tinyVaeConfig({ layers, lr: 3e-3 });
    const cpu = new CpuVaeEngine(config, data);
    const gpu = await gpuVaeEngine(config, data);
    try {
      expect(gpu.runs).toEqual(cpu.runs);
      // the playground's views from the same (initial) parameters: the same digits
      const images = [0, 1].map((i) => Uint8Array.from({ length: data.pixels }, (_, p) => (p * 7 + i) % 3 === 0 ? 1 : 0));
      expect(await gpu.program.viewVae(1, images, 3, 5)).toEqual(await cpu.viewVae(1, images, 3, 5));
      let worstGradient = 0;
      for (let t = 0; t < UPDATES; t++) {
        await cpu.step(1);
        await gpu.step(1);
        const grads = new Float32Array((await gpu.program.debugRead('grads')).data);
        for (const spec of cpu.runs) {
          const tensors = cpu.runAt(spec.index).tensors;
          const errors = tensorGradientErrors(grads, spec.index * tensors.reduce((a, x) => a + x.size, 0), tensors);
          worstGradient = Math.max(worstGradient, ...errors);
        }
      }
      const [cc, gc] = [await cpu.readCounters(), await gpu.readCounters()];
      const gp = await gpu.program.readAllParameters();
      let worstParam = 0;
      let worstCounter = 0;
      const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
      cpu.runs.forEach((spec, r) => {
        const what = `run ${r} (${spec.estimator}, seed ${spec.seed})`;
        expect(gc[r].updates, what).toBe(UPDATES);
        expect(gc[r].finite, what).toBe(true);
        expect(gc[r].examples).toBe(cc[r].examples);
        const counters = [[gc[r].scoreSum, cc[r].scoreSum], [gc[r].gradVarianceSum, cc[r].gradVarianceSum], ...gc[r].layerGradVarianceSum.map((v, k) => [v, cc[r].layerGradVarianceSum[k]])];
        for (const [g, c] of counters) worstCounter = Math.max(worstCounter, rel(g, c));
        const flat = paramArrays(cpu.runAt(spec.index).params).flatMap((a) => Array.from(a));
        expect(gp[r].length).toBe(flat.length);
        flat.forEach((c, e) => (worstParam = Math.max(worstParam, Math.abs(gp[r][e] - c))));
      });
      console.log(`depth ${layers}: worst parameter difference ${worstParam.toExponential(2)} (lr ${config.lr}), worst counter relative difference ${worstCounter.toExponential(2)}, worst gradient error ${worstGradient.toExponential(2)} (relative to the tensor's largest)`);
      expect(worstGradient).toBeLessThan(GRADIENT_TOLERANCE);
      expect(worstParam).toBeLessThan(2e-6);
      expect(worstCounter).toBeLessThan(2e-5);
      // the K-sample test bound: the GPU bound on the GPU's parameters, the CPU's on its own
      const progress: number[] = [];
      const [ce, ge] = [await cpu.evaluate(), await gpu.evaluate({ onProgress: (done, total) => void progress.push(done / total) })];
      ge.forEach((g, r) => {
        expect(g.k).toBe(config.testK);
        expect(Math.abs(g.testScore - ce[r].testScore), `run ${r} bound ${g.testScore} vs ${ce[r].testScore}`).toBeLessThan(1e-4);
      });
      expect(progress.at(-1)).toBe(1);
      expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
    } finally {
      gpu.dispose();
    }
  }, 300_000);
});

describe('VAE gradient parity has power', () => {
  it("mutation control: with the first encoder layer's signal ×1.1 on the GPU, every estimator's first-update encoder-layer-1 gradients differ by ≈ 10%", async () => {
    const data = syntheticData(7, 60, 6);
    const config = tinyVaeConfig({ layers: 2, lr: 3e-3, seeds: [1] });
    const cpu = new CpuVaeEngine(config, data);
    const gpu = await gpuVaeEngine(config, data, biasEncoderSignal(SHADERS));
    try {
      await cpu.step(1);
      await gpu.step(1);
      const grads = new Float32Array((await gpu.program.debugRead('grads')).data);
      for (const spec of cpu.runs) {
        const tensors = cpu.runAt(spec.index).tensors;
        const errors = tensorGradientErrors(grads, spec.index * tensors.reduce((a, x) => a + x.size, 0), tensors);
        // tensors [encW1, encB1, …]: layer 1's weights and biases carry the bias
        expect(Math.min(errors[0], errors[1]), `${spec.estimator}: ${errors.map((e) => e.toExponential(1)).join(', ')}`).toBeGreaterThan(0.05);
      }
    } finally {
      gpu.dispose();
    }
  }, 300_000);
});
