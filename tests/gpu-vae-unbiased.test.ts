// docs/math.md §5 on the WebGPU VAE program: on a tiny VAE whose only image is X, the mean of every
// estimator's gradient (read from the GPU after each update, through the real RNG path; the
// appendix-K ablations included) equals the exact ELBO gradient (finite differences of the exact
// enumeration, tests/vaeTiny.ts) within a few standard errors, at depth 1–3. The learning rate is
// tiny so the parameters stay put while sampling.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.ts';
import { VAE_ABLATED_ESTIMATORS } from '../src/engine/estimators.ts';
import { VAE_ESTIMATORS } from '../src/engine/types.ts';
import { paramArrays } from '../src/models/vae/params.ts';
import { gpuVaeEngine, tinyVaeConfig } from './helpers/gpuVae.ts';
import { elboGradientFD, tinyModel } from './vaeTiny.ts';

const X = [0, 1, 1, 0];
const BATCH = 128;
const UPDATES = 32;

/** BATCH copies of the image X (intensity 255 is always on, 0 never). */
function constantDataset(): Dataset {
  const images = new Uint8Array(BATCH * X.length);
  for (let n = 0; n < BATCH; n++) X.forEach((v, j) => (images[n * X.length + j] = v ? 255 : 0));
  const set = { count: BATCH, images, labels: new Uint8Array(BATCH) };
  return { rows: 1, cols: X.length, pixels: X.length, classes: 10, train: set, test: set };
}

describe.each([1, 2, 3])('WebGPU VAE is unbiased at depth %i', (layers) => {
  it('every estimator and ablation: sample mean of the GPU gradients within 4.5 standard errors of the exact ELBO gradient', async () => {
    const shape = { pixels: X.length, layers, width: 2 };
    const estimators = [...VAE_ESTIMATORS, ...VAE_ABLATED_ESTIMATORS];
    const config = tinyVaeConfig({ layers, width: 2, estimators, seeds: [7], batch: BATCH, lr: 1e-12 });
    const engine = await gpuVaeEngine(config, constantDataset());
    try {
      // the tiny model's weights (rounded to float32) in every run
      const model = tinyModel(shape, 101 + layers);
      const tensors = paramArrays(model).map((a) => Float32Array.from(a));
      tensors.forEach((t, k) => paramArrays(model)[k].set(t));
      const state = await engine.exportState();
      for (const run of state.runs) run.tensors.forEach((t, k) => t.value.set(tensors[k]));
      await engine.importState(state, 'the tiny model');
      const exact = elboGradientFD(model, X).flatMap((a) => Array.from(a));
      expect(Math.max(...exact.map(Math.abs))).toBeGreaterThan(1e-2);
      const n = exact.length;
      const sums = engine.runs.map(() => ({ sum: new Float64Array(n), sumSq: new Float64Array(n) }));
      for (let t = 0; t < UPDATES; t++) {
        await engine.step(1);
        const grads = new Float32Array((await engine.debugRead('grads')).data);
        sums.forEach((s, r) => {
          for (let e = 0; e < n; e++) {
            const g = grads[r * n + e];
            s.sum[e] += g;
            s.sumSq[e] += g * g;
          }
        });
      }
      let worstZ = 0;
      sums.forEach((s, r) => {
        for (let e = 0; e < n; e++) {
          const mean = s.sum[e] / UPDATES;
          const se = Math.sqrt(Math.max(0, s.sumSq[e] / UPDATES - mean * mean) / (UPDATES - 1));
          const z = Math.abs(mean - exact[e]) / (se + 1e-7);
          worstZ = Math.max(worstZ, z);
          expect(Math.abs(mean - exact[e]), `${engine.runs[r].estimator}, parameter ${e}: mean ${mean}, exact ${exact[e]}, se ${se}`).toBeLessThanOrEqual(4.5 * se + 2e-6);
        }
      });
      console.log(`depth ${layers}: ${engine.runs.length} estimators × ${n} parameters, worst |mean − exact| = ${worstZ.toFixed(2)} standard errors`);
    } finally {
      engine.dispose();
    }
  }, 300_000);
});
