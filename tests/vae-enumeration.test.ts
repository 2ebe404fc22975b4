// docs/math.md §5: on a tiny VAE the exact expectation of every estimator (enumerating every
// random choice, DisARM's antithetic cells and LOO's second samples included) equals the
// finite-difference gradient of the exact ELBO; the appendix-K ablations of f-HNCA + baseline
// (docs/math.md §7.3) included.
import { describe, expect, it } from 'vitest';
import { VAE_ABLATED_ESTIMATORS } from '../src/engine/estimators.ts';
import { VAE_ESTIMATORS } from '../src/engine/types.ts';
import { ExampleWork } from '../src/models/vae/estimators.ts';
import { forwardPass } from '../src/models/vae/forward.ts';
import { addExampleGradients } from '../src/models/vae/gradients.ts';
import { paramArrays } from '../src/models/vae/params.ts';
import { ChoiceDraws, elboGradientFD, enumerate, exactEstimatorMoments, float32Twin, setInput, tinyModel } from './vaeTiny.ts';
import { WasmKernels, wasmSimdSupported } from '../src/simd/wasmKernels.ts';

const X = [1, 0, 1, 1];

describe.each([1, 2, 3])('tiny VAE, %i layer(s), exact expectations', (layers) => {
  const shape = { pixels: 4, layers, width: 2 };
  const params = tinyModel(shape, 11 + layers);
  const fd = elboGradientFD(params, X);
  const baselines = new Float64Array(layers + 1).fill(3.7); // any constant keeps them unbiased

  it('the finite-difference gradient is not trivial', () => {
    for (const g of fd) expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it.each([...VAE_ESTIMATORS, ...VAE_ABLATED_ESTIMATORS])('%s: E[estimate] equals the ELBO gradient to 1e-9', (estimator) => {
    const { mean } = exactEstimatorMoments(params, X, estimator, baselines);
    for (let t = 0; t < fd.length; t++) {
      for (let k = 0; k < fd[t].length; k++) expect(Math.abs(mean[t][k] - fd[t][k]), `tensor ${t} entry ${k}`).toBeLessThan(1e-9);
    }
  });

  it('decoder and prior gradients are exact for every sample φ', () => {
    const work = new ExampleWork(params.sizes);
    const arrays = paramArrays(params);
    const samples: number[][] = [];
    enumerate(
      (d) => {
        setInput(work.main, X);
        forwardPass(params, d, work.main);
        samples.push([...d.taken]);
      },
      () => {},
    );
    expect(samples.length).toBe(4 ** layers);
    const replay = new ChoiceDraws();
    const f = (choices: number[]): number => {
      replay.reset(choices);
      setInput(work.main, X);
      return forwardPass(params, replay, work.main);
    };
    for (const choices of samples) {
      replay.reset(choices);
      setInput(work.main, X);
      work.estimate(params, 'reinforce', replay, null, new Float64Array(layers + 1));
      const g = arrays.map((a) => new Float64Array(a.length));
      addExampleGradients(params, work, g);
      for (let t = 2 * layers; t < arrays.length; t++) {
        const a = arrays[t];
        for (let k = 0; k < a.length; k++) {
          const v = a[k];
          const h = 1e-4;
          const at = (x: number): number => {
            a[k] = x;
            return f(choices);
          };
          const fd = (8 * (at(v + h) - at(v - h)) - (at(v + 2 * h) - at(v - 2 * h))) / (12 * h);
          a[k] = v;
          expect(Math.abs(g[t][k] - fd), `tensor ${t} entry ${k}`).toBeLessThan(1e-9);
        }
      }
    }
  });

  it('f-HNCA: every encoder parameter variance is at most REINFORCE’s (Theorem 1)', () => {
    const zero = new Float64Array(layers + 1);
    const h = exactEstimatorMoments(params, X, 'fhnca', zero);
    const r = exactEstimatorMoments(params, X, 'reinforce', zero);
    let strictly = 0;
    for (let t = 0; t < 2 * layers; t++) {
      for (let k = 0; k < fd[t].length; k++) {
        const vh = h.second[t][k] - h.mean[t][k] ** 2;
        const vr = r.second[t][k] - r.mean[t][k] ** 2;
        expect(vh).toBeLessThanOrEqual(vr + 1e-9);
        if (vh < vr - 1e-6) strictly++;
      }
    }
    expect(strictly).toBeGreaterThan(0);
  });
});

// The CPU engine runs the VAE on its float32 path (wasm/kernels.ts: float32 sums, units and
// Adam; docs/math.md §5). The same enumeration with the model and every scratch array in a kernel
// arena: each estimator's exact mean equals the exact gradient of the same (float32-rounded)
// weights within 2e-5, float32's rounding of these O(1) sums; a bias of a layer's signal larger
// than 2e-5 / (that tensor's largest gradient) fails (stated per depth below, ≤ 0.3%).
describe.each([1, 2, 3])('tiny VAE, %i layer(s), exact expectations on the float32 SIMD path', (layers) => {
  const shape = { pixels: 4, layers, width: 2 };
  const { inArena, rounded } = float32Twin(tinyModel(shape, 11 + layers), new WasmKernels(1 << 20));
  const fd = elboGradientFD(rounded, X);
  const baselines = new Float64Array(layers + 1).fill(3.7);

  it('WebAssembly SIMD runs here (else this would test the float64 path again)', () => {
    expect(wasmSimdSupported()).toBe(true);
  });

  it.each([...VAE_ESTIMATORS, ...VAE_ABLATED_ESTIMATORS])('%s: E[estimate] equals the ELBO gradient to 2e-5', (estimator) => {
    const { mean } = exactEstimatorMoments(inArena, X, estimator, baselines, new WasmKernels(1 << 20));
    let worst = 0;
    for (let t = 0; t < fd.length; t++) {
      for (let k = 0; k < fd[t].length; k++) {
        worst = Math.max(worst, Math.abs(mean[t][k] - fd[t][k]));
        expect(Math.abs(mean[t][k] - fd[t][k]), `tensor ${t} entry ${k}`).toBeLessThan(2e-5);
      }
    }
    // the float32 path differs from float64 somewhere: else the arena did not run the kernels
    expect(worst).toBeGreaterThan(1e-12);
    // power: the encoder's first tensor's largest gradient makes a 0.3% bias exceed the bound
    expect(0.003 * Math.max(...fd[0].map(Math.abs))).toBeGreaterThan(2e-5);
  });
});
