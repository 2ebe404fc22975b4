// Theorem 1 for categorical hidden units (docs/math.md §7.1) on the WebGPU engine. Exact
// enumeration on the CPU (tests/helpers/tinyBandit.ts exactEstimatorMoments) gives every
// estimator's per-parameter variance and shows Var(HNCA) ≤ Var(REINFORCE) elementwise; here the
// per-parameter sample variance of the GPU's single-example estimates (one update of a big batch
// of copies of one image: its signals and inputs read back, g_W = S xᵀ, g_b = S per example)
// equals that exact variance within sampling error, for HNCA and REINFORCE, with and without a
// baseline. So the GPU's estimator has the exact variances that satisfy the inequality. The test
// can fail: it checks that each HNCA run's sample variance would sit far outside its error bars
// if the GPU's HNCA signals had REINFORCE's variance (and a temporary mutation of
// categorical_signals.wgsl to REINFORCE's signal does fail it).
import { describe, expect, it } from 'vitest';
import { banditEstimator } from '../src/engine/estimators.ts';
import type { GpuBanditEngine } from '../src/backends/webgpu/index.ts';
import { BANDIT_ESTIMATORS, type BanditEstimator } from '../src/engine/types.ts';
import type { BanditShape } from '../src/models/bandit/parameters.ts';
import { constantDataset, gpuEngine, loadRunParameters, smallConfig } from './helpers/gpuTest.ts';
import { exactEstimatorMoments, tinyParameters, tinyShape } from './helpers/tinyBandit.ts';

const X = [1, 0, 1];
const LABEL = 1;
/** single-example estimates per estimator, all from one update */
const BATCH = 8192;
const BASELINE = 0.4;
/** |sample variance − exact variance| within this many standard errors of the sample variance */
const Z = 5;

/**
 * Per-example gradients [batch, parameters] of run `r` (tensor order [W_0, b_0, W_1, b_1, …],
 * weights input-major), rebuilt from the GPU's buffers of the last update: the signals S of
 * every layer (hidden: per logit; output: R (e_a − pi)) times that layer's inputs x (pixels 0/1;
 * a categorical layer's centered one-hot e_φ − 1/N): g_W[j, i] = S_i x_j, g_b[i] = S_i.
 */
async function perExampleGradients(engine: GpuBanditEngine, shape: BanditShape, r: number, batch: number): Promise<Float64Array> {
  const { sizes } = shape;
  const n = shape.categories ?? 0;
  const layers = sizes.length - 1;
  const cap = engine.program.capacity;
  const pixels = new Float32Array(await engine.program.debugRead('pixels'));
  const samples = await Promise.all(sizes.slice(1, -1).map(async (_, l) => new Float32Array(await engine.program.debugRead('samples', l))));
  const signals = await Promise.all(sizes.slice(1, -1).map(async (_, l) => new Float32Array(await engine.program.debugRead('signals', l))));
  signals.push(new Float32Array(await engine.program.debugRead('outSignals')));
  const count = sizes.slice(0, -1).reduce((acc, inW, k) => acc + (inW + 1) * sizes[k + 1], 0);
  const out = new Float64Array(batch * count);
  for (let b = 0; b < batch; b++) {
    let o = b * count;
    for (let k = 0; k < layers; k++) {
      const inW = sizes[k];
      const outW = sizes[k + 1];
      // one seed group: the pixels' row is group 0; a hidden layer's inputs are run r's samples
      const x = k === 0 ? Array.from(pixels.subarray(b * inW, (b + 1) * inW)) : Array.from(samples[k - 1].subarray((r * cap + b) * inW, (r * cap + b + 1) * inW), (s) => s - 1 / n);
      const s = signals[k].subarray((r * cap + b) * outW, (r * cap + b + 1) * outW);
      for (let j = 0; j < inW; j++) for (let i = 0; i < outW; i++) out[o + j * outW + i] = s[i] * x[j];
      o += inW * outW;
      for (let i = 0; i < outW; i++) out[o + i] = s[i];
      o += outW;
    }
  }
  return out;
}

/** Per parameter: the sample mean, the mean magnitude, the sample variance and its standard error sqrt((m4 − s⁴)/M). */
function sampleMoments(g: Float64Array, batch: number, count: number): { mean: Float64Array; meanAbs: Float64Array; variance: Float64Array; se: Float64Array } {
  const mean = new Float64Array(count);
  const meanAbs = new Float64Array(count);
  const variance = new Float64Array(count);
  const se = new Float64Array(count);
  for (let e = 0; e < count; e++) {
    let sum = 0;
    let sumAbs = 0;
    for (let b = 0; b < batch; b++) {
      sum += g[b * count + e];
      sumAbs += Math.abs(g[b * count + e]);
    }
    const m = sum / batch;
    meanAbs[e] = sumAbs / batch;
    let m2 = 0;
    let m4 = 0;
    for (let b = 0; b < batch; b++) {
      const d = g[b * count + e] - m;
      m2 += d * d;
      m4 += d ** 4;
    }
    mean[e] = m;
    variance[e] = m2 / (batch - 1);
    se[e] = Math.sqrt(Math.max(m4 / batch - (m2 / batch) ** 2, 0) / batch);
  }
  return { mean, meanAbs, variance, se };
}

const cases = [
  { categories: 2, hidden: 1, width: 2, actions: 3 },
  { categories: 3, hidden: 1, width: 2, actions: 2 },
  { categories: 2, hidden: 2, width: 2, actions: 2 },
  { categories: 3, hidden: 2, width: 2, actions: 3 },
];

describe.each(cases)('Theorem 1 on WebGPU: categorical N = $categories, $hidden layer(s) of $width units, $actions actions', ({ categories, hidden, width, actions }) => {
  it(`per-parameter variance of ${BATCH} single-example GPU estimates equals the exact variance (HNCA ≤ REINFORCE exactly), with and without a baseline`, async () => {
    const shape = tinyShape(Array.from({ length: hidden }, () => width), X.length, actions, 'pm1', categories);
    const params = tinyParameters(shape, 23 + categories + hidden, 1.5);
    const problem = { shape, x: X, rewards: Array.from({ length: actions }, (_, a) => (a === LABEL ? 1 : 0)) };
    const exact = new Map(BANDIT_ESTIMATORS.map((id) => [id, exactEstimatorMoments(params, id, problem, BASELINE)]));
    const variance = (id: BanditEstimator) => exact.get(id)?.variance ?? new Float64Array();
    // the exact inequality, elementwise (the CPU's enumeration; tests/bandit-categorical.test.ts)
    for (const [h, r] of [
      ['hnca', 'reinforce'],
      ['hnca-baseline', 'reinforce-baseline'],
    ] as const) {
      variance(h).forEach((v, e) => expect(v).toBeLessThanOrEqual(variance(r)[e] + 1e-12));
    }

    const config = smallConfig({ hidden, width, units: 'categorical', categories, estimators: [...BANDIT_ESTIMATORS], seeds: [5], batch: BATCH, lr: 1e-12 });
    const engine = await gpuEngine(config, constantDataset(X, LABEL, actions, BATCH));
    await loadRunParameters(engine, () => params, BASELINE);
    await engine.step(1);
    const count = variance('hnca').length;
    const grads = new Float32Array(await engine.program.debugRead('grads'));
    const moments = new Map<BanditEstimator, ReturnType<typeof sampleMoments>>();
    for (const [r, spec] of engine.runs.entries()) {
      const id = banditEstimator(spec.estimator).id;
      const sample = sampleMoments(await perExampleGradients(engine, shape, r, BATCH), BATCH, count);
      moments.set(id, sample);
      // the rebuilt estimates are the GPU's: their batch mean is the gradient its optimizer used
      // (up to float32 accumulation over the batch: 1e-3 of the terms' mean magnitude)
      sample.mean.forEach((m, e) => expect(Math.abs(m - grads[r * count + e])).toBeLessThanOrEqual(1e-3 * sample.meanAbs[e]));
    }
    const report: string[] = [];
    for (const [id, sample] of moments) {
      let worst = 0;
      sample.variance.forEach((v, e) => {
        const want = variance(id)[e];
        if (want === 0) expect(v).toBeLessThan(1e-12);
        else worst = Math.max(worst, Math.abs(v - want) / sample.se[e]);
      });
      expect(worst, `${id}: sample variance vs exact`).toBeLessThan(Z);
      report.push(`${id} worst ${worst.toFixed(2)} SE`);
    }
    // power: had the GPU's HNCA runs drawn REINFORCE's estimates (or the reverse), some parameter's
    // sample variance would be this many standard errors (the larger of the two runs') off
    for (const [h, r] of [
      ['hnca', 'reinforce'],
      ['hnca-baseline', 'reinforce-baseline'],
    ] as const) {
      const [sh, sr] = [moments.get(h), moments.get(r)];
      if (!sh || !sr) throw new Error(`no ${h} or ${r} run`);
      let separation = 0;
      variance(h).forEach((v, e) => {
        const se = Math.max(sh.se[e], sr.se[e]);
        if (se > 0) separation = Math.max(separation, (variance(r)[e] - v) / se);
      });
      expect(separation, `${h} vs ${r}: the test tells them apart`).toBeGreaterThan(4 * Z);
      report.push(`${h} vs ${r} ${separation.toFixed(0)} SE apart`);
    }
    engine.dispose();
    console.log(`[Theorem 1 categorical N=${categories} ${hidden}×${width}, ${actions} actions] ${BATCH} samples over ${count} parameters: ${report.join('; ')}`);
  });
});
