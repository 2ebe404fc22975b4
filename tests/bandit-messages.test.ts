// The counterfactual messages (docs/math.md §2) against brute-force recomputation of the
// children's probabilities with one parent forced, on networks big enough to hit the clip.
import { describe, expect, it } from 'vitest';
import { BanditRun } from '../src/models/bandit/banditRun.ts';
import { forwardKeys } from '../src/models/bandit/forward.ts';
import { clippedSigmoid, rhoDifference } from '../src/models/units/bernoulli.ts';
import { bernoulliChildrenCredit, ChildScratch, rhoDifferenceOfRatio } from '../src/models/bandit/messages.ts';
import { FlipTables } from '../src/models/units/flipTables.ts';
import { heapArrays } from '../src/simd/arrays.ts';
import { kernelArena, WasmKernels } from '../src/simd/wasmKernels.ts';
import { logSumExp } from '../src/models/units/softmax.ts';
import { allocSparseRows } from '../src/data/minibatch.ts';
import { Stream } from '../src/rng/streams.ts';
import type { HiddenValues } from '../src/engine/types.ts';
import { tinyParameters, tinyShape } from './helpers/tinyBandit.ts';

/** log Σ_c log P(child c's sample | parents) with the given parent values, recomputed from scratch. */
function childrenLogProbability(w: Float32Array, bias: Float32Array, parentValues: number[], childWidth: number, childSample: Uint8Array, base: number): number {
  let total = 0;
  for (let c = 0; c < childWidth; c++) {
    let u = bias[c];
    parentValues.forEach((v, j) => (u += v * w[j * childWidth + c]));
    const p = clippedSigmoid(u);
    total += Math.log(childSample[base + c] ? p : 1 - p);
  }
  return total;
}

function softmaxLogProbability(v: Float32Array, bias: Float32Array, parentValues: number[], actions: number, action: number): number {
  const z: number[] = [];
  for (let k = 0; k < actions; k++) {
    let s = bias[k];
    parentValues.forEach((x, j) => (s += x * v[j * actions + k]));
    z.push(s);
  }
  const max = Math.max(...z);
  return z[action] - max - Math.log(z.reduce((acc, zk) => acc + Math.exp(zk - max), 0));
}

describe.each<[HiddenValues, number]>([
  ['pm1', 1],
  ['01', 1],
  ['pm1', 6],
  ['01', 8],
  // weights beyond exp's range (m·|W| > 709): the log-domain paths (issue 10's overflow)
  ['pm1', 400],
  ['01', 400],
  ['pm1', 3000],
  ['01', 3000],
])('messages, %s values, weight scale %d', (values, scale) => {
  it('rho(1) − rho(0) equals (Q1 − Q0)/(p Q1 + (1 − p) Q0) recomputed by brute force in float64', () => {
    const widths = [7, 6, 5];
    const actions = 4;
    const inputs = 12;
    const shape = tinyShape(widths, inputs, actions, values);
    const params = tinyParameters(shape, 3, scale);
    const batch = 6;
    const rows = allocSparseRows(batch, inputs);
    let k = 0;
    for (let b = 0; b < batch; b++) {
      rows.onStart[b] = k;
      for (let j = 0; j < inputs; j++) if ((j * 7 + b * 3) % 5 < 2) rows.onIndex[k++] = j;
    }
    rows.onStart[batch] = k;
    rows.count = batch;
    const run = new BanditRun(params, 'hnca', batch);
    run.estimateGradients(rows, forwardKeys(1, 2, Stream.hiddenBase, Stream.action, widths.length), { labels: [0, 1, 2, 3, 0, 1] });
    const s = run.scratch;
    const value = (phi: number) => (values === 'pm1' ? 2 * phi - 1 : phi);
    let clipped = 0;
    for (let l = 0; l < widths.length; l++) {
      const width = widths[l];
      for (let b = 0; b < batch; b++) {
        const parents = Array.from(s.sample[l].subarray(b * width, (b + 1) * width), value);
        for (let j = 0; j < width; j++) {
          const logQ = [0, 1].map((forced) => {
            const forcedValues = parents.slice();
            forcedValues[j] = value(forced);
            const w = params.weights[l + 1].value;
            const bias = params.biases[l + 1].value;
            if (l === widths.length - 1) return softmaxLogProbability(w, bias, forcedValues, actions, s.action[b]);
            return childrenLogProbability(w, bias, forcedValues, widths[l + 1], s.sample[l + 1], b * widths[l + 1]);
          });
          const p = s.prob[l][b * width + j];
          if (p === 1e-5 || p === 1 - 1e-5) clipped++;
          // (Q1 − Q0)/Q̄ with Q̄ = p Q1 + (1 − p) Q0 taken as a logsumexp (Q0, Q1 underflow at large scales)
          const logQBar = logSumExp([Math.log(p) + logQ[1], Math.log(1 - p) + logQ[0]]);
          const expected = Math.exp(logQ[1] - logQBar) - Math.exp(logQ[0] - logQBar);
          const got = s.credit[l][b * width + j];
          expect(Number.isFinite(got)).toBe(true);
          expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
        }
      }
    }
    if (scale > 4) expect(clipped).toBeGreaterThan(0);
    for (const t of params.tensors) expect(t.grad.every(Number.isFinite)).toBe(true);
  });
});

describe('rhoDifferenceOfRatio: the credit from Q0/Q1 as a ratio of two numbers, without exp or log', () => {
  it('equals rhoDifference(p, log q0 − log q1) on random ratios, equal values, the clip probabilities and ratios out to e^±700', () => {
    let seed = 7;
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const ps = [1e-5, 1 - 1e-5, 0.5, 0.25, 0.999];
    const pairs: [number, number][] = [[1, 1], [2.5, 2.5], [1e-300, 1e-300], [1, Math.exp(700)], [Math.exp(700), 1], [1e-200, 1e100], [3, 3 * (1 + 2 ** -52)]];
    for (let i = 0; i < 200; i++) pairs.push([Math.exp(40 * (next() - 0.5)), Math.exp(40 * (next() - 0.5))]);
    for (let i = 0; i < 50; i++) ps.push(1e-5 + (1 - 2e-5) * next());
    for (const p of ps) {
      for (const [q0, q1] of pairs) {
        const want = rhoDifference(p, Math.log(q0) - Math.log(q1));
        expect(Math.abs(rhoDifferenceOfRatio(p, q0, q1) - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
      }
    }
  });
  it('gives the limits −1/(1 − p) and 1/p for a ratio of 0 or Infinity', () => {
    for (const p of [1e-5, 0.3, 1 - 1e-5]) {
      expect(rhoDifferenceOfRatio(p, 0, 1)).toBe(1 / p);
      expect(rhoDifferenceOfRatio(p, 1, 0)).toBe(-1 / (1 - p));
      expect(rhoDifferenceOfRatio(p, Infinity, 1)).toBe(-1 / (1 - p));
      expect(rhoDifferenceOfRatio(p, 1, Infinity)).toBe(1 / p);
    }
  });
});

describe('Bernoulli children whose products pass 1e100 (scaled by 2^−332 and the scales compared)', () => {
  it('the credit equals brute force in float64 with improbable child samples, with and without clipping, on the JS path and in the WASM kernel (bit for bit)', () => {
    const width = 5;
    const childWidth = 45;
    const batch = 8;
    const m = 2; // ±1 parents
    let seed = 11;
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const weights = Array.from({ length: width * childWidth }, () => (next() - 0.5) * 1.2);
    const parentSample = Array.from({ length: batch * width }, () => (next() < 0.5 ? 1 : 0));
    const parentProb = Array.from({ length: batch * width }, () => 0.05 + 0.9 * next());
    // examples 0–3: every child improbable with |u| ≈ 5.1, so Σ_c log(1 + e^|u|) ≈ 230 nats: the actual
    // and flipped products land on both sides of 1e100 (e^230.3) and their scales differ; 4–7: |u| in
    // [low, low + 4], 90% improbable samples, products from about 1e50 to 1e200 (6, 7 clip some children)
    const lows = [5.09, 5.1, 5.11, 5.12, 3, 4, 9, 9.5];
    const logits = Array.from({ length: batch * childWidth }, (_, e) => {
      const b = Math.floor(e / childWidth);
      return (next() < 0.5 ? -1 : 1) * (lows[b] + (b < 4 ? 0.002 * next() : 4 * next()));
    });
    const childSamples = logits.map((u, e) => (e < 4 * childWidth || next() < 0.9 ? (u > 0 ? 0 : 1) : u > 0 ? 1 : 0));
    const k = kernelArena(1 << 20, true);
    expect(k).toBeInstanceOf(WasmKernels);
    const results = [heapArrays, k].map((arrays) => {
      const w = arrays.f32(width * childWidth);
      w.set(weights);
      const tables = new FlipTables(width, childWidth, arrays);
      tables.fill(w, m);
      const family = {
        prob: arrays.f64(batch * width),
        sample: arrays.u8(batch * width),
        width,
        childLogit: arrays.f64(batch * childWidth),
        childSample: arrays.u8(batch * childWidth),
        childWidth,
        tables,
      };
      family.prob.set(parentProb);
      family.sample.set(parentSample);
      family.childLogit.set(logits);
      family.childSample.set(childSamples);
      const credit = arrays.f64(batch * width);
      const logQActual = arrays.f64(batch);
      bernoulliChildrenCredit(family, batch, credit, logQActual, new ChildScratch(childWidth, arrays));
      return { credit, logQActual, w };
    });
    const [js, wasm] = results;
    expect(Array.from(wasm.credit)).toEqual(Array.from(js.credit));
    expect(Array.from(wasm.logQActual)).toEqual(Array.from(js.logQActual));
    const logChildren = (b: number, j: number, delta: number): number => {
      let total = 0;
      for (let c = 0; c < childWidth; c++) {
        const p = clippedSigmoid(logits[b * childWidth + c] + delta * js.w[j * childWidth + c]);
        total += Math.log(childSamples[b * childWidth + c] ? p : 1 - p);
      }
      return total;
    };
    const threshold = -Math.log(1e100);
    let largeProducts = 0;
    const straddles = [0, 0];
    for (let b = 0; b < batch; b++) {
      const logActual = logChildren(b, 0, 0);
      if (logActual < threshold) largeProducts++;
      expect(Math.abs(js.logQActual[b] - logActual)).toBeLessThanOrEqual(1e-9 * Math.abs(logActual));
      for (let j = 0; j < width; j++) {
        const fired = parentSample[b * width + j] === 1;
        // forcing the parent to its other value moves the children's logits by W[j, c]·(∓2)
        const logFlipped = logChildren(b, j, fired ? -m : m);
        if (logActual < threshold && logFlipped > threshold) straddles[0]++;
        if (logActual > threshold && logFlipped < threshold) straddles[1]++;
        const logQ1 = fired ? logActual : logFlipped;
        const logQ0 = fired ? logFlipped : logActual;
        const p = parentProb[b * width + j];
        const logQBar = logSumExp([Math.log(p) + logQ1, Math.log(1 - p) + logQ0]);
        const expected = Math.exp(logQ1 - logQBar) - Math.exp(logQ0 - logQBar);
        expect(Math.abs(js.credit[b * width + j] - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
      }
    }
    expect(largeProducts).toBeGreaterThanOrEqual(3);
    expect(straddles[0]).toBeGreaterThan(0);
    expect(straddles[1]).toBeGreaterThan(0);
  });
});
