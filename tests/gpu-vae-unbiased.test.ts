// docs/math.md §5 on the WebGPU VAE program, sampled, for what the exact test cannot reach: LOO
// and DisARM at depths 2–3 (1024 / 324 and 262 144 / 46 656 joint outcomes of their choices at
// width 2, each one GPU update in the exact test, tests/gpu-vae-exact.test.ts, which covers
// every other estimator at depths 1–3 and these two at depth 1). On a tiny VAE whose only image
// is X, the mean of each estimator's gradient (read from the GPU after each update, through the
// real RNG path) equals the exact ELBO gradient (finite differences of the exact enumeration,
// tests/vaeTiny.ts) within Z standard errors. The learning rate is tiny so the parameters stay put.
// Power, stated and proven: for every estimator and encoder layer, the bias of that layer's
// learning signal the test detects (the smallest β with β·|exact| > Z·SE + |mean − exact| for some
// parameter of the layer) is computed, logged, and must be below 10% for every layer (so a 10%
// bias of any encoder layer's signal fails; at 4096 samples it was 6–18%, hence BATCH · UPDATES =
// 16 384); and a mutation control — the same test on shaders whose first encoder layer's signal
// is ×(1 + MUTATION) — must fail for both estimators. The exact checks of these two at depths
// 2–3 are the CPU engine's enumeration (tests/vae-enumeration.test.ts,
// exact: any bias above ~1e-5 shows) and the GPU's per-update gradient parity with it
// (tests/gpu-vae-parity.test.ts: a 0.01% scale error of any tensor's gradient shows,
// mutation-controlled), which carry the CPU's exactness to the GPU.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.ts';
import type { VaeEstimator } from '../src/engine/types.ts';
import { paramArrays, tensorSizes } from '../src/models/vae/params.ts';
import { SHADERS } from './helpers/gpuTest.ts';
import { biasEncoderSignal, gpuVaeEngine, tinyVaeConfig } from './helpers/gpuVae.ts';
import { elboGradientFD, tinyModel } from './vaeTiny.ts';

const X = [0, 1, 1, 0];
const BATCH = 512;
const UPDATES = 32;
/** standard errors allowed */
const Z = 4.5;
/** the mutation control's bias of the first encoder layer's signal, which every estimator must detect */
const MUTATION = 0.1;
/** the estimators the exact test does not cover at depth 2 and more */
const SAMPLED: readonly VaeEstimator[] = ['reinforce-loo', 'disarm'];

/** BATCH copies of the image X (intensity 255 is always on, 0 never). */
function constantDataset(): Dataset {
  const images = new Uint8Array(BATCH * X.length);
  for (let n = 0; n < BATCH; n++) X.forEach((v, j) => (images[n * X.length + j] = v ? 255 : 0));
  const set = { count: BATCH, images, labels: new Uint8Array(BATCH) };
  return { rows: 1, cols: X.length, pixels: X.length, classes: 10, train: set, test: set };
}

interface RunMeans {
  estimator: string;
  mean: Float64Array;
  se: Float64Array;
}

/** Per run, the mean and standard error of UPDATES batch-mean gradients of the tiny model on `shaders`. */
async function sampledMeans(layers: number, shaders: Record<string, string>): Promise<RunMeans[]> {
  const config = tinyVaeConfig({ layers, width: 2, estimators: [...SAMPLED], seeds: [7], batch: BATCH, lr: 1e-12 });
  const engine = await gpuVaeEngine(config, constantDataset(), shaders);
  try {
    const model = tinyModel({ pixels: X.length, layers, width: 2 }, 101 + layers);
    const tensors = paramArrays(model).map((a) => Float32Array.from(a));
    tensors.forEach((t, k) => paramArrays(model)[k].set(t));
    const state = await engine.exportState();
    for (const run of state.runs) run.tensors.forEach((t, k) => t.value.set(tensors[k]));
    await engine.importState(state, 'the tiny model');
    const n = tensors.reduce((a, t) => a + t.length, 0);
    const sums = engine.runs.map(() => ({ sum: new Float64Array(n), sumSq: new Float64Array(n) }));
    for (let t = 0; t < UPDATES; t++) {
      await engine.step(1);
      const grads = new Float32Array((await engine.program.debugRead('grads')).data);
      sums.forEach((s, r) => {
        for (let e = 0; e < n; e++) {
          const g = grads[r * n + e];
          s.sum[e] += g;
          s.sumSq[e] += g * g;
        }
      });
    }
    return sums.map((s, r) => {
      const mean = s.sum.map((v) => v / UPDATES);
      const se = mean.map((m, e) => Math.sqrt(Math.max(0, s.sumSq[e] / UPDATES - m * m) / (UPDATES - 1)));
      return { estimator: engine.runs[r].estimator, mean, se };
    });
  } finally {
    engine.dispose();
  }
}

/** The exact ELBO gradient of the tiny model at depth `layers`, flat in tensorSizes order. */
function exactGradient(layers: number): number[] {
  return elboGradientFD(tinyModel({ pixels: X.length, layers, width: 2 }, 101 + layers), X).flatMap((a) => Array.from(a));
}

/** Per encoder layer l (1..L, tensors encW_l, encB_l), the smallest bias of its signal the test detects. */
function detectableBias(run: RunMeans, exact: number[], layers: number): number[] {
  const sizes = tensorSizes({ pixels: X.length, layers, width: 2 });
  const offsets = sizes.map((_, k) => sizes.slice(0, k).reduce((a, s) => a + s, 0));
  return Array.from({ length: layers }, (_, l) => {
    let best = Infinity;
    for (const k of [2 * l, 2 * l + 1]) {
      for (let e = offsets[k]; e < offsets[k] + sizes[k]; e++) {
        if (exact[e] !== 0) best = Math.min(best, (Z * run.se[e] + Math.abs(run.mean[e] - exact[e]) + 2e-6) / Math.abs(exact[e]));
      }
    }
    return best;
  });
}

/** max over parameters of |mean − exact| − Z·SE (≤ 2e-6 passes) */
function worstExcess(run: RunMeans, exact: number[]): number {
  return Math.max(...exact.map((g, e) => Math.abs(run.mean[e] - g) - Z * run.se[e]));
}

describe.each([2, 3])('WebGPU VAE is unbiased at depth %i (sampled: LOO and DisARM)', (layers) => {
  it(`LOO and DisARM: sample mean of the GPU gradients within ${Z} standard errors of the exact ELBO gradient; every encoder layer's gradient resolved from 0`, async () => {
    const exact = exactGradient(layers);
    expect(Math.max(...exact.map(Math.abs))).toBeGreaterThan(1e-2);
    const runs = await sampledMeans(layers, SHADERS);
    const table: string[] = [];
    for (const run of runs) {
      expect(worstExcess(run, exact), run.estimator).toBeLessThanOrEqual(2e-6);
      const bias = detectableBias(run, exact, layers);
      table.push(`${run.estimator} ${bias.map((b) => `${(100 * b).toFixed(0)}%`).join('/')}`);
      expect(Math.max(...bias), `${run.estimator}: detectable bias per encoder layer ${bias.map((b) => b.toFixed(3)).join(', ')}`).toBeLessThan(0.1);
    }
    console.log(`depth ${layers}: ${runs.length} estimators × ${exact.length} parameters, ${BATCH * UPDATES} samples each; detectable bias per encoder layer: ${table.join('; ')}`);
  }, 300_000);
});

describe('the sampled VAE test has power', () => {
  it(`mutation control: with the first encoder layer's signal ×${1 + MUTATION} in the shaders, LOO and DisARM fail the depth-2 test`, async () => {
    const exact = exactGradient(2);
    const runs = await sampledMeans(2, biasEncoderSignal(SHADERS, 1, 1 + MUTATION));
    expect(runs.map((r) => r.estimator)).toEqual(SAMPLED);
    for (const run of runs) expect(worstExcess(run, exact), run.estimator).toBeGreaterThan(2e-6);
  }, 300_000);
});
