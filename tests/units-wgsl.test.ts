// Each WGSL function of the unit math (shaders/precise_math.wgsl, bernoulli_units.wgsl,
// categorical_units.wgsl, baseline.wgsl) against its TypeScript twin (src/models/units/*.ts) on many float32 inputs,
// extremes included: the two engines compute the same function (docs/math.md §5 parity).
import { describe, expect, it } from 'vitest';
import { runningMeanBaseline } from '../src/models/units/baseline.ts';
import { bernoulliEntropy, childSurprise, clampLogit, clippedSigmoid, hncaSignal, logSigmoid, rhoPair, reinforceSignal, rhoDifference, sampleBernoulli, softplus, surpriseChange, PROB_MAX, PROB_MIN } from '../src/models/units/bernoulli.ts';
import { hash32 } from '../src/rng/counterRng.ts';
import { categoricalHncaSignals, categoricalReinforceSignals, hindsightPosterior, sampleCategorical } from '../src/models/units/categorical.ts';
import { logSumExp, softmaxInto } from '../src/models/units/softmax.ts';
import { evaluateWgsl, evaluateWgslRows } from './helpers/wgslFunction.ts';

const N = 2048;
const UNITS = ['precise_math.wgsl', 'bernoulli_units.wgsl'];
const EXTREMES = [0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 0.5, -0.5, 1, -1, 11.5129, -11.5129, 11.52, -11.52, 20, -20, 87, -87, 100, -100, 1e4, -1e4, 1e30, -1e30];

/** float32 values: the extremes, then ±10^e with e uniform in [lo, hi] */
function values(salt: number, lo: number, hi: number, extremes: readonly number[] = EXTREMES): Float32Array {
  const out = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    if (i < extremes.length) {
      out[i] = extremes[i];
      continue;
    }
    const h = hash32(i * 7919 + salt);
    const e = lo + ((h >>> 8) / 16777216) * (hi - lo);
    out[i] = (h & 1 ? -1 : 1) * 10 ** e;
  }
  return out;
}

/** probabilities in [PROB_MIN, PROB_MAX], the clip points first */
function probabilities(salt: number): Float32Array {
  const out = new Float32Array(N);
  for (let i = 0; i < N; i++) out[i] = i === 0 ? PROB_MIN : i === 1 ? PROB_MAX : i === 2 ? 0.5 : Math.min(PROB_MAX, Math.max(PROB_MIN, (hash32(i * 31 + salt) >>> 8) / 16777216));
  return out;
}

/**
 * |wgsl − ts| ≤ abs + rel(i)·|ts| everywhere (where ts rounds beyond float32's range, WGSL must
 * give the same infinity); the message names the first input that is not.
 */
function expectClose(name: string, wgsl: Float32Array, ts: (i: number) => number, abs: number, rel: number | ((i: number) => number), args: readonly Float32Array[]): void {
  const failures: string[] = [];
  for (let i = 0; i < wgsl.length; i++) {
    const want = ts(i);
    const got = wgsl[i];
    const tolerance = abs + (typeof rel === 'number' ? rel : rel(i)) * Math.abs(want);
    const ok = Number.isFinite(Math.fround(want)) ? Math.abs(got - want) <= tolerance : Object.is(got, Math.fround(want));
    if (!ok) failures.push(`${name}(${args.map((a) => a[i]).join(', ')}): WGSL ${got}, TypeScript ${want}`);
  }
  expect(failures.slice(0, 5)).toEqual([]);
}

describe('WGSL unit math equals its TypeScript twin', () => {
  it('log1pPrecise, expm1Precise and softplus (Math.log1p, Math.expm1, softplus)', async () => {
    const x = values(1, -8, 1.9);
    const above = x.map((v) => (v <= -1 ? -1 + 1e-3 : v));
    expectClose('log1pPrecise', await evaluateWgsl(UNITS, 'log1pPrecise(a)', [above]), (i) => Math.log1p(above[i]), 1e-7, 2e-6, [above]);
    const small = x.map((v) => Math.max(-80, Math.min(80, v)));
    // Vulkan's exp is accurate to 3 + 2|x| ulp
    const expUlps = (i: number): number => 2e-6 + (3 + 2 * Math.abs(small[i])) * 2 ** -23;
    expectClose('expm1Precise', await evaluateWgsl(UNITS, 'expm1Precise(a)', [small]), (i) => Math.expm1(small[i]), 1e-7, expUlps, [small]);
    const wide = values(2, -8, 30);
    expectClose('softplus', await evaluateWgsl(UNITS, 'softplus(a)', [wide]), (i) => softplus(wide[i]), 1e-7, 2e-6, [wide]);
  });

  it('clippedSigmoid, sampleBernoulli, childSurprise', async () => {
    const u = values(3, -6, 30);
    expectClose('clippedSigmoid', await evaluateWgsl(UNITS, 'clippedSigmoid(a)', [u]), (i) => clippedSigmoid(u[i]), 3e-7, 1e-6, [u]);
    const p = probabilities(4);
    const r = probabilities(5);
    const samples = await evaluateWgsl(UNITS, 'sampleBernoulli(a, b)', [p, r]);
    expectClose('sampleBernoulli', samples, (i) => sampleBernoulli(p[i], r[i]), 0, 0, [p, r]);
    expect(new Set(samples)).toEqual(new Set([0, 1]));
    expectClose('childSurprise', await evaluateWgsl(UNITS, 'childSurprise(a)', [u]), (i) => childSurprise(u[i]), 1e-6, 2e-6, [u]);
  });

  it('surpriseChange (the change of a child surprise under a logit shift)', async () => {
    const x = values(6, -4, 1.6);
    const d = values(7, -6, 3, [0, 1e-7, -1e-7, 1, -1, 20, -20, 1000, -1000]);
    const wgsl = await evaluateWgsl(UNITS, 'surpriseChange(a, b, childSurprise(a))', [x, d]);
    // float32 rounds x + d: allow its ulp on top of the arithmetic
    expectClose('surpriseChange', wgsl, (i) => surpriseChange(x[i], d[i], childSurprise(x[i])), 2e-6, 1e-5, [x, d]);
  });

  it('rhoDifference, hncaSignal, reinforceSignal', async () => {
    const p = probabilities(8);
    const d = values(9, -6, 3);
    expectClose('rhoDifference', await evaluateWgsl(UNITS, 'rhoDifference(a, b)', [p, d]), (i) => rhoDifference(p[i], d[i]), 1e-6, 1e-5, [p, d]);
    const r = values(10, -3, 1);
    const credit = values(11, -3, 5);
    expectClose('hncaSignal', await evaluateWgsl(UNITS, 'hncaSignal(a, b, c)', [r, p, credit]), (i) => hncaSignal(r[i], p[i], credit[i]), 1e-30, 1e-6, [r, p, credit]);
    const phi = p.map((_, i) => i % 2);
    expectClose('reinforceSignal', await evaluateWgsl(UNITS, 'reinforceSignal(a, b, c)', [r, phi, p]), (i) => reinforceSignal(r[i], phi[i], p[i]), 1e-30, 1e-6, [r, phi, p]);
  });

  it('clampLogit, logSigmoid, bernoulliEntropy, rhoPair (the VAE kernels)', async () => {
    const z = values(14, -4, 2.5).map((v) => Math.max(-80, Math.min(80, v)));
    expectClose('clampLogit', await evaluateWgsl(UNITS, 'clampLogit(a)', [z]), (i) => clampLogit(z[i]), 0, 1e-7, [z]);
    expectClose('logSigmoid', await evaluateWgsl(UNITS, 'logSigmoid(a)', [z]), (i) => logSigmoid(z[i]), 1e-7, 2e-6, [z]);
    expectClose('bernoulliEntropy', await evaluateWgsl(UNITS, 'bernoulliEntropy(a)', [z]), (i) => bernoulliEntropy(z[i]), 1e-7, 1e-5, [z]);
    const p = probabilities(15);
    const q = p.map((v) => 1 - v);
    const d = values(16, -6, 2).map((v) => Math.max(-60, Math.min(60, v)));
    const pair = new Float64Array(2);
    for (const [k, name] of [[0, 'rho1'], [1, 'rho0']] as const) {
      const wgsl = await evaluateWgsl(UNITS, `rhoPair(a, b, c)[${k}]`, [p, q, d]);
      expectClose(`rhoPair ${name}`, wgsl, (i) => (rhoPair(p[i], q[i], d[i], pair), pair[k]), 1e-6, 1e-5, [p, q, d]);
    }
  });

  it('runningMeanBaseline', async () => {
    const b = values(12, -3, 1);
    const m = probabilities(13);
    expectClose('runningMeanBaseline', await evaluateWgsl(['baseline.wgsl'], 'runningMeanBaseline(a, b)', [b, m]), (i) => runningMeanBaseline(b[i], m[i]), 1e-7, 1e-6, [b, m]);
  });

  it('categorical units (N = 2..10): logSumExp, categoricalSoftmax, sampleCategorical, hindsightPosterior, the HNCA and REINFORCE signals', async () => {
    const MAX = 10;
    // per row: n, logits [10], log Q [10], uniform, R
    const IN = 23;
    const OUT = 42;
    const rows = 1024;
    const input = new Float32Array(rows * IN);
    for (let row = 0; row < rows; row++) {
      const at = row * IN;
      const n = 2 + (row % 9);
      input[at] = n;
      const h = (k: number) => hash32(row * 977 + k) / 2 ** 32;
      // rows 0..31: extreme logits and log Q (±1e4, -1e3): finite by the log domain
      const extreme = row < 32;
      for (let k = 0; k < MAX; k++) {
        input[at + 1 + k] = extreme ? (h(k) < 0.5 ? -1e4 : 1e4) * h(k + 40) : (h(k) * 2 - 1) * 10 ** (h(k + 20) * 4.5 - 3);
        input[at + 11 + k] = extreme ? -1e3 * h(k + 60) : -20 * h(k + 80);
      }
      input[at + 21] = h(100);
      input[at + 22] = (h(101) * 2 - 1) * 2;
    }
    const body = `
      let n = u32(arg(0u));
      var z: Categories;
      var q: Categories;
      for (var k = 0u; k < n; k++) {
        z[k] = arg(1u + k);
        q[k] = arg(11u + k);
      }
      put(0u, logSumExp(&z, n));
      var pi: Categories;
      categoricalSoftmax(&z, n, &pi);
      let phi = sampleCategorical(&pi, n, arg(21u));
      put(11u, f32(phi));
      var post: Categories;
      hindsightPosterior(&z, n, &q, &post);
      for (var k = 0u; k < n; k++) {
        put(1u + k, pi[k]);
        put(12u + k, post[k]);
        put(22u + k, categoricalHncaSignal(arg(22u), pi[k], post[k]));
        put(32u + k, categoricalReinforceSignal(arg(22u), pi[k], select(0.0, 1.0, k == phi)));
      }`;
    const out = await evaluateWgslRows(['categorical_units.wgsl'], body, input, IN, OUT);
    const failures: string[] = [];
    const prob = new Float64Array(MAX);
    const logPi = new Float64Array(MAX);
    const post = new Float64Array(MAX);
    const signal = new Float64Array(MAX);
    let nearTies = 0;
    for (let row = 0; row < rows; row++) {
      const at = row * IN;
      const o = row * OUT;
      const n = input[at];
      const z = input.subarray(at + 1, at + 1 + n);
      const q = input.subarray(at + 11, at + 11 + n);
      const r = input[at + 22];
      // float32 rounds z − lse: its ulp, times the largest logit or log Q, bounds every exponent's error
      const scale = Math.max(1, ...Array.from(z, Math.abs), ...Array.from(q, Math.abs));
      const expError = 1e-6 + 4 * scale * 2 ** -24;
      const check = (name: string, got: number, want: number, tolerance: number) => {
        if (!(Math.abs(got - want) <= tolerance)) failures.push(`${name} row ${row} (n ${n}): WGSL ${got}, TypeScript ${want}`);
      };
      check('logSumExp', out[o], logSumExp(z, 0, n), 2 * scale * 2 ** -23 + 1e-6);
      softmaxInto(z, 0, n, prob);
      for (let k = 0; k < n; k++) check('categoricalSoftmax', out[o + 1 + k], prob[k], 1e-7 + expError * prob[k]);
      hindsightPosterior(z, 0, n, q, logPi, post, 0);
      for (let k = 0; k < n; k++) check('hindsightPosterior', out[o + 12 + k], post[k], 1e-7 + 2 * expError * post[k]);
      // sampling: exact on the WGSL probabilities, except where the uniform is a near tie of their float32 cumulative sum
      const wgslPi = Float64Array.from(out.subarray(o + 1, o + 1 + n));
      const u = input[at + 21];
      const phi = sampleCategorical(wgslPi, 0, n, u);
      let cumulative = 0;
      let tie = false;
      for (let k = 0; k < n; k++) tie ||= Math.abs(u - (cumulative += wgslPi[k])) < 1e-6;
      if (tie) nearTies++;
      else check('sampleCategorical', out[o + 11], phi, 0);
      const wgslPost = Float64Array.from(out.subarray(o + 12, o + 12 + n));
      categoricalHncaSignals(r, wgslPi, wgslPost, 0, n, signal);
      for (let k = 0; k < n; k++) check('categoricalHncaSignal', out[o + 22 + k], signal[k], 1e-6 * Math.abs(r));
      categoricalReinforceSignals(r, wgslPi, 0, n, out[o + 11], signal, 0);
      for (let k = 0; k < n; k++) check('categoricalReinforceSignal', out[o + 32 + k], signal[k], 1e-6 * Math.abs(r));
      for (let k = 0; k < n; k++) if (!Number.isFinite(out[o + 12 + k])) failures.push(`hindsightPosterior row ${row}: not finite`);
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(nearTies).toBeLessThan(rows / 100);
    // the samples cover every value of the widest units
    expect(new Set(Array.from({ length: rows }, (_, row) => out[row * OUT + 11])).size).toBe(MAX);
  });
});
