// Helpers for the VAE tests: draws that enumerate every random choice, exact expectations
// by enumeration, and a tiny float64 model.
import type { VaeEstimator } from '../src/engine/types.ts';
import type { VaeDraws } from '../src/models/vae/draws.ts';
import { ExampleWork, VaeTables } from '../src/models/vae/estimators.ts';
import { forwardPass, PassState } from '../src/models/vae/forward.ts';
import { addExampleGradients } from '../src/models/vae/gradients.ts';
import { createVaeParams64, createVaeTensors, paramArrays, type VaeParams, type VaeShape } from '../src/models/vae/params.ts';
import { heapArrays, type ArrayAllocator } from '../src/simd/arrays.ts';
import { hash32 } from '../src/rng/counterRng.ts';

/** Draws that replay a prefix of choices and record the rest (depth-first enumeration). */
export class ChoiceDraws implements VaeDraws {
  prefix: number[] = [];
  taken: number[] = [];
  options: number[][] = [];
  prob = 1;
  reset(prefix: number[]): void {
    this.prefix = prefix;
    this.taken = [];
    this.options = [];
    this.prob = 1;
  }
  private choose(probs: number[]): number {
    const pos = this.taken.length;
    let idx = pos < this.prefix.length ? this.prefix[pos] : probs.findIndex((x) => x > 0);
    if (idx < 0) idx = 0;
    this.taken.push(idx);
    this.options.push(probs);
    this.prob *= probs[idx];
    return idx;
  }
  bernoulli(_pass: number, _layer: number, p: Float64Array, n: number, out: Uint8Array): void {
    for (let i = 0; i < n; i++) out[i] = this.choose([1 - p[i], p[i]]);
  }
  antithetic(_layer: number, p: Float64Array, n: number, out: Uint8Array, anti: Uint8Array): void {
    // (φ, φ~) = ([1-u < p], [u < p]) for u uniform: the four cells' probabilities
    for (let i = 0; i < n; i++) {
      const pi = p[i];
      const lo = Math.min(pi, 1 - pi);
      const c = this.choose([Math.max(0, 2 * pi - 1), lo, lo, Math.max(0, 1 - 2 * pi)]);
      out[i] = c < 2 ? 1 : 0;
      anti[i] = c === 0 || c === 2 ? 1 : 0;
    }
  }
}

/**
 * Calls run(draws) once per joint outcome of all choices; visit gets the outcome's probability.
 * `d`: the draws to enumerate with (a subclass that also records what was drawn).
 */
export function enumerate<D extends ChoiceDraws>(run: (d: D) => void, visit: (prob: number) => void, d: D = new ChoiceDraws() as D): void {
  let prefix: number[] = [];
  for (;;) {
    d.reset(prefix);
    run(d);
    if (d.prob > 0) visit(d.prob);
    let k = d.taken.length - 1;
    for (; k >= 0; k--) {
      const opts = d.options[k];
      let next = d.taken[k] + 1;
      while (next < opts.length && !(opts[next] > 0)) next++;
      if (next < opts.length) {
        prefix = d.taken.slice(0, k).concat(next);
        break;
      }
    }
    if (k < 0) return;
  }
}

/** A tiny float64 model with weights uniform in ±scale (deterministic from seed). */
export function tinyModel(shape: VaeShape, seed: number, scale = 1.5): VaeParams {
  const params = createVaeParams64(shape, seed);
  let t = 0;
  for (const a of paramArrays(params)) {
    for (let k = 0; k < a.length; k++) a[k] = ((hash32(seed * 7919 + t++) / 4294967296) * 2 - 1) * scale;
  }
  return params;
}

export function setInput(s: PassState, x: readonly number[]): void {
  const on = x.flatMap((v, i) => (v === 1 ? [i] : []));
  s.setInput(on, 0, on.length);
}

/** The exact ELBO E_q[f] of input x, enumerating every encoder sample. */
export function exactElbo(params: VaeParams, x: readonly number[]): number {
  const s = new PassState(params.sizes);
  let total = 0;
  let elbo = 0;
  enumerate(
    (d) => {
      setInput(s, x);
      elbo = forwardPass(params, d, s);
    },
    (prob) => {
      total += prob * elbo;
    },
  );
  return total;
}

/** Finite-difference gradient of the exact ELBO (4-point central differences), per tensor. */
export function elboGradientFD(params: VaeParams, x: readonly number[], h = 1e-4): Float64Array[] {
  return paramArrays(params).map((a) => {
    const g = new Float64Array(a.length);
    for (let k = 0; k < a.length; k++) {
      const v = a[k];
      const f = (d: number): number => {
        a[k] = v + d;
        return exactElbo(params, x);
      };
      g[k] = (8 * (f(h) - f(-h)) - (f(2 * h) - f(-2 * h))) / (12 * h);
      a[k] = v;
    }
    return g;
  });
}

export interface Moments {
  mean: Float64Array[];
  second: Float64Array[];
}

function zeros(params: VaeParams): Float64Array[] {
  return paramArrays(params).map((a) => new Float64Array(a.length));
}

/** Exact mean and second moment of every parameter's per-example estimate, by enumerating all draws (on `arrays`' path). */
export function exactEstimatorMoments(params: VaeParams, x: readonly number[], estimator: VaeEstimator, baselines: Float64Array, arrays: ArrayAllocator = heapArrays): Moments {
  // `arrays`: a kernel arena (with params in it) runs the CPU engine's float32 path
  const work = new ExampleWork(params.sizes, arrays);
  const tables = new VaeTables(params.sizes, arrays);
  tables.update(params);
  const mean = zeros(params);
  const second = zeros(params);
  const g = zeros(params);
  enumerate(
    (d) => {
      setInput(work.main, x);
      work.estimate(params, estimator, d, tables, baselines);
      for (const a of g) a.fill(0);
      addExampleGradients(params, work, g);
    },
    (prob) => {
      for (let t = 0; t < g.length; t++) {
        for (let k = 0; k < g[t].length; k++) {
          mean[t][k] += prob * g[t][k];
          second[t][k] += prob * g[t][k] * g[t][k];
        }
      }
    },
  );
  return { mean, second };
}

/** log p(x) by enumerating every latent configuration. */
export function exactLogLikelihood(params: VaeParams, x: readonly number[]): number {
  // log p(x) = log Σ_φ p(x, φ): enumerate φ with a sampler whose probabilities are all 1/2,
  // weighting each configuration by p(x, φ) (the decoder terms of the pass)
  const s = new PassState(params.sizes);
  const L = params.shape.layers;
  let total = 0;
  let logJoint = 0;
  enumerate(
    (d) => {
      setInput(s, x);
      const half = new Float64Array(params.shape.width).fill(0.5);
      for (let l = 1; l <= L; l++) {
        d.bernoulli(0, l, half, params.sizes[l], s.phi[l]);
        s.index(l);
      }
      logJoint = 0;
      for (let m = 0; m <= L; m++) logJoint += decoderTermOnly(params, s, m);
    },
    () => {
      total += Math.exp(logJoint);
    },
  );
  return Math.log(total);
}

function decoderTermOnly(params: VaeParams, s: PassState, m: number): number {
  // recompute Dec_m for the current φ without touching the encoder
  const n = params.sizes[m];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let v = params.decB[m][i];
    if (m < params.shape.layers) {
      for (let j = 0; j < params.sizes[m + 1]; j++) v += params.decW[m][j * n + i] * s.phi[m + 1][j];
    }
    const lp = -Math.log1p(Math.exp(-v));
    sum += s.phi[m][i] === 1 ? lp : lp - v;
  }
  return sum;
}

/**
 * The float32 twin of a tiny float64 model for the CPU engine's float32 path: the same weights
 * rounded to float32, once as float32 tensors in `arena` (the kernels' memory) and once as float64
 * (for the exact, finite-difference gradient of exactly those weights).
 */
export function float32Twin(params: VaeParams, arena: ArrayAllocator): { inArena: VaeParams; rounded: VaeParams } {
  const { params: inArena } = createVaeTensors(params.shape, 0, arena);
  const rounded = createVaeParams64(params.shape, 0);
  const from = paramArrays(params);
  paramArrays(inArena).forEach((a, t) => a.set(from[t]));
  paramArrays(rounded).forEach((a, t) => from[t].forEach((v, k) => (a[k] = Math.fround(v))));
  return { inArena, rounded };
}
