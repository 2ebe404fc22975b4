// docs/math.md §5 on the WebGPU VAE program, exactly: on a tiny VAE (4 pixels, width 2) whose only
// image is X, the expectation of an estimator's gradient as the GPU computes it equals the exact
// ELBO gradient (float64 finite differences of the exact enumeration, tests/vaeTiny.ts) to float32
// rounding. The expectation is exact, not sampled: update t of the engine is forced (scripted draws
// in a test copy of rng.wgsl, every kernel unchanged) to take outcome t of the CPU's enumeration of
// the estimator's choices, and its gradient is weighted by the outcome's float64 probability
// (tests/helpers/gpuVaeExpectation.ts). Covered exactly: f-HNCA ± baseline and its three
// appendix-K ablations, REINFORCE ± baseline at depths 1–3 (4^L outcomes), LOO and DisARM at
// depth 1 (16 and 9 outcomes). LOO and DisARM at depths 2–3 have 1024 / 324 and 262 144 / 46 656
// joint outcomes, one GPU update and one scripted-table entry each: they stay sampled
// (tests/gpu-vae-unbiased.test.ts, power stated there) and exact on the CPU
// (tests/vae-enumeration.test.ts), with the GPU's per-update gradient parity
// (tests/gpu-vae-parity.test.ts) carrying the CPU's exactness over.
// Power, stated and proven: TOLERANCE per parameter; every encoder layer's exact gradient is large
// enough that a 1% bias of that layer's learning signal exceeds it (logged per layer); and a
// mutation control — the first encoder layer's signal ×1.1 in the shaders — must fail for every
// estimator, by exactly that bias.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.ts';
import { VAE_ABLATED_ESTIMATORS } from '../src/engine/estimators.ts';
import { VAE_ESTIMATORS, type VaeEstimator } from '../src/engine/types.ts';
import { paramArrays, tensorSizes } from '../src/models/vae/params.ts';
import { detectableBias, worstDeviation } from './helpers/gpuExpectation.ts';
import { SHADERS } from './helpers/gpuTest.ts';
import { biasEncoderSignal } from './helpers/gpuVae.ts';
import { gpuVaeExpectedGradients, vaeOutcomes, type VaeScriptGroup } from './helpers/gpuVaeExpectation.ts';
import { elboGradientFD, tinyModel } from './vaeTiny.ts';

const X = [0, 1, 1, 0];
const WIDTH = 2;
/** any constant per-layer baseline keeps the -baseline estimators unbiased: a nonzero one is tested */
const BASELINE = 3.7;
/** |GPU expectation − exact| allowed per parameter (float32 gradients, float64 weights; measured on SwiftShader: at most 4.4e-7) */
const TOLERANCE = 2e-6;
/** the estimators whose only choices are the main pass's samples */
const MAIN_PASS: readonly VaeEstimator[] = [...VAE_ESTIMATORS, ...VAE_ABLATED_ESTIMATORS].filter((e) => e !== 'reinforce-loo' && e !== 'disarm');

/** 2 copies of the image X (intensity 255 is always on, 0 never). */
function constantDataset(): Dataset {
  const images = new Uint8Array(2 * X.length);
  for (let n = 0; n < 2; n++) X.forEach((v, j) => (images[n * X.length + j] = v ? 255 : 0));
  const set = { count: 2, images, labels: new Uint8Array(2) };
  return { rows: 1, cols: X.length, pixels: X.length, classes: 10, train: set, test: set };
}

/** The tiny model at depth `layers` with float32 values (what the GPU holds), in float64. */
function model(layers: number) {
  const params = tinyModel({ pixels: X.length, layers, width: WIDTH }, 101 + layers);
  for (const a of paramArrays(params)) a.set(Float32Array.from(a));
  return params;
}

/** The encoder layer (0-based) of every flat parameter, or −1 for the decoder's and the prior's. */
function encoderLayerOf(layers: number): number[] {
  const sizes = tensorSizes({ pixels: X.length, layers, width: WIDTH });
  return sizes.flatMap((s, k) => Array.from({ length: s }, () => (k < 2 * layers ? Math.floor(k / 2) : -1)));
}

function groupsAt(layers: number): VaeScriptGroup[] {
  // depth 1: LOO's enumeration (main pass × second samples) covers the main-pass estimators too
  if (layers === 1) return [{ seed: 7, enumerated: 'reinforce-loo', estimators: [...MAIN_PASS, 'reinforce-loo'] }, { seed: 8, enumerated: 'disarm', estimators: ['disarm'] }];
  return [{ seed: 7, enumerated: 'reinforce', estimators: MAIN_PASS }];
}

describe.each([1, 2, 3])('WebGPU VAE is unbiased, exactly, at depth %i', (layers) => {
  const params = model(layers);
  const exact = elboGradientFD(params, X).flatMap((a) => Array.from(a));
  const encoder = encoderLayerOf(layers);

  it(`the GPU's exact expected gradient of each estimator within ${TOLERANCE} of the exact ELBO gradient; a 1% bias of any encoder layer's signal exceeds that`, async () => {
    // the premise of sharing a seed: the main-pass estimators' choices are the main pass's 2·L samples
    for (const e of MAIN_PASS) expect(vaeOutcomes(params, X, e).length, e).toBe(4 ** layers);
    const bias = detectableBias(
      exact.filter((_, e) => encoder[e] >= 0),
      encoder.filter((l) => l >= 0),
      TOLERANCE,
    );
    expect(Math.max(...bias), `smallest detectable bias per encoder layer: ${bias.join(', ')}`).toBeLessThan(0.01);
    const expected = await gpuVaeExpectedGradients(params, X, constantDataset(), groupsAt(layers), BASELINE, SHADERS);
    const worst = [...expected].map(([estimator, g]) => `${estimator} ${worstDeviation(g, exact).toExponential(1)}`);
    console.log(`[gpu vae exact, depth ${layers}] |expected − exact| per estimator: ${worst.join(', ')}; smallest detectable bias per encoder layer: ${bias.map((b) => `${(100 * b).toPrecision(2)}%`).join(', ')}`);
    expect(expected.size).toBe(groupsAt(layers).reduce((a, g) => a + g.estimators.length, 0));
    for (const [estimator, g] of expected) expect(worstDeviation(g, exact), estimator).toBeLessThan(TOLERANCE);
  }, 300_000);
});

describe('the exact VAE test has power', () => {
  it("mutation control: with the first encoder layer's signal ×1.1 in the shaders, every estimator's expectation at depth 1 is 1.1 × exact on that layer and exact elsewhere", async () => {
    const params = model(1);
    const exact = elboGradientFD(params, X).flatMap((a) => Array.from(a));
    const encoder = encoderLayerOf(1);
    const expected = await gpuVaeExpectedGradients(params, X, constantDataset(), groupsAt(1), BASELINE, biasEncoderSignal(SHADERS, 1, 1.1));
    expect(expected.size).toBe(VAE_ESTIMATORS.length + VAE_ABLATED_ESTIMATORS.length);
    for (const [estimator, g] of expected) {
      expect(worstDeviation(g, exact), estimator).toBeGreaterThan(TOLERANCE);
      g.forEach((v, e) => expect(Math.abs(v - (encoder[e] === 0 ? 1.1 : 1) * exact[e]), `${estimator} parameter ${e}`).toBeLessThan(TOLERANCE));
    }
  }, 300_000);
});
