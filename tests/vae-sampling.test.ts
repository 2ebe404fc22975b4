// docs/math.md §5: the same estimators through the real counter-based RNG path: the mean of many
// per-example estimates is within 4 standard errors of the exact expectation (itself checked
// against the finite-difference gradient in vae-enumeration.test.ts), appendix-K ablations included.
import { describe, expect, it } from 'vitest';
import { VAE_ABLATED_ESTIMATORS } from '../src/engine/estimators.ts';
import { VAE_ESTIMATORS } from '../src/engine/types.ts';
import { RngDraws } from '../src/models/vae/draws.ts';
import { ExampleWork, VaeTables } from '../src/models/vae/estimators.ts';
import { addExampleGradients } from '../src/models/vae/gradients.ts';
import { paramArrays } from '../src/models/vae/params.ts';
import { elboGradientFD, exactEstimatorMoments, setInput, tinyModel } from './vaeTiny.ts';

const X = [0, 1, 1, 0];
const N = 20000;

describe.each([1, 2, 3])('tiny VAE, %i layer(s), sampled through the RNG', (layers) => {
  const shape = { pixels: 4, layers, width: 2 };
  const params = tinyModel(shape, 101 + layers);
  const baselines = new Float64Array(layers + 1).fill(-2.5);

  it.each([...VAE_ESTIMATORS, ...VAE_ABLATED_ESTIMATORS])('%s: sample mean within 4 standard errors of the exact gradient', (estimator) => {
    const exact = exactEstimatorMoments(params, X, estimator, baselines).mean;
    const fd = elboGradientFD(params, X);
    const work = new ExampleWork(params.sizes);
    const tables = new VaeTables(params.sizes);
    tables.update(params);
    const draws = new RngDraws(shape.width);
    const g = paramArrays(params).map((a) => new Float64Array(a.length));
    const sum = g.map((a) => new Float64Array(a.length));
    const sumSq = g.map((a) => new Float64Array(a.length));
    for (let n = 0; n < N; n++) {
      draws.setStep(7, n >> 4, layers);
      draws.setExample(n & 15);
      setInput(work.main, X);
      work.estimate(params, estimator, draws, tables, baselines);
      for (const a of g) a.fill(0);
      addExampleGradients(params, work, g);
      for (let t = 0; t < g.length; t++) {
        for (let k = 0; k < g[t].length; k++) {
          sum[t][k] += g[t][k];
          sumSq[t][k] += g[t][k] * g[t][k];
        }
      }
    }
    let worst = 0;
    for (let t = 0; t < g.length; t++) {
      for (let k = 0; k < g[t].length; k++) {
        expect(Math.abs(exact[t][k] - fd[t][k])).toBeLessThan(1e-9);
        const mean = sum[t][k] / N;
        const variance = Math.max(0, sumSq[t][k] / N - mean * mean);
        const se = Math.sqrt(variance / N);
        const z = Math.abs(mean - exact[t][k]) / (se + 1e-12);
        worst = Math.max(worst, z);
        expect(Math.abs(mean - exact[t][k]), `tensor ${t} entry ${k}: mean ${mean}, exact ${exact[t][k]}, se ${se}`).toBeLessThanOrEqual(4 * se + 1e-9);
      }
    }
    expect(worst).toBeGreaterThan(0);
  });
});
