// docs/math.md §3: every counterfactual quantity f-HNCA uses, against brute-force recomputation
// with the unit forced to 1 and to 0 (including clipped encoder children and chunked products).
import { describe, expect, it } from 'vitest';
import { encoderChildDeltas, flipLogProbDelta, productChunk } from '../src/models/vae/counterfactual.ts';
import { FlipTables } from '../src/models/units/flipTables.ts';
import { RngDraws } from '../src/models/vae/draws.ts';
import { decoderAboveTerm } from '../src/models/vae/estimators.ts';
import { decoderLayer, encoderLayer, encoderLogProb, forwardPass, PassState } from '../src/models/vae/forward.ts';
import { LOGIT_CLIP, rhoPair } from '../src/models/units/bernoulli.ts';
import { logSumExp } from '../src/models/units/softmax.ts';
import type { VaeParams } from '../src/models/vae/params.ts';
import { setInput, tinyModel } from './vaeTiny.ts';

const shape = { pixels: 30, layers: 3, width: 12 };

/**
 * A model with large weights: some encoder logits pass the clip, some |w| = big > 20 (chunks < 30);
 * big beyond 600 takes the log-domain path (exp(big) overflows past 709: issue 10).
 */
function bigModel(seed: number, big: number): VaeParams {
  const params = tinyModel(shape, seed, 4);
  for (const w of [...params.encW, ...params.decW]) {
    w[3] = big;
    w[17] = -big;
  }
  return params;
}

function sample(params: VaeParams, seed: number): PassState {
  const s = new PassState(params.sizes);
  const x = Array.from({ length: shape.pixels }, (_, i) => ((i * 7 + seed) % 3 === 0 ? 1 : 0));
  setInput(s, x);
  const draws = new RngDraws(shape.width);
  draws.setStep(seed, 0, shape.layers);
  draws.setExample(0);
  forwardPass(params, draws, s);
  return s;
}

/** A copy of s with unit i of layer l forced to v (only φ and the indexes). */
function forced(params: VaeParams, s: PassState, l: number, i: number, v: number): PassState {
  const f = new PassState(params.sizes);
  for (let k = 0; k < params.sizes.length; k++) f.copyLayer(s, k);
  f.phi[l][i] = v;
  f.index(l);
  return f;
}

describe.each([
  [1, 25],
  [2, 25],
  [3, 25],
  [1, 800],
  [2, 5000],
])('counterfactuals, seed %i, largest |w| %i', (seed, big) => {
  const params = bigModel(seed, big);
  const s = sample(params, seed);
  const L = shape.layers;

  it('the model reaches the clip and the chunked path', () => {
    let clipped = 0;
    for (let l = 1; l <= L; l++) for (const u of s.u[l]) if (Math.abs(u) > LOGIT_CLIP) clipped++;
    expect(clipped).toBeGreaterThan(0);
    const t = new FlipTables(shape.width, shape.pixels);
    t.fill(params.decW[0], 1);
    expect(productChunk(t)).toBeLessThan(shape.pixels);
  });

  it.each([1, 2, 3])('decoder term below of layer %i (Dn_i(1) - Dn_i(0))', (l) => {
    for (const chunk of [0, 1, 7]) {
      const t = new FlipTables(params.sizes[l], params.sizes[l - 1]);
      t.fill(params.decW[l - 1], 1);
      const out = new Float64Array(params.sizes[l]);
      flipLogProbDelta(params.decW[l - 1], t, s.phi[l], params.sizes[l], s.dp[l - 1], s.dq[l - 1], s.on[l - 1], s.onCount[l - 1], params.sizes[l - 1], out, chunk > 0 && big <= 600 ? chunk : undefined, s.v[l - 1], s.phi[l - 1]);
      for (let i = 0; i < params.sizes[l]; i++) {
        const brute = (v: number): number => decoderLayer(params, l - 1, forced(params, s, l, i, v));
        const delta = s.phi[l][i] === 1 ? -1 : 1;
        expect(delta * out[i]).toBeCloseTo(brute(1) - brute(0), 9);
      }
    }
  });

  it.each([1, 2, 3])('decoder term above of layer %i (ρ1 f(1) − ρ0 f(0) summed over its components)', (l) => {
    for (let i = 0; i < params.sizes[l]; i++) {
      const rho1 = 0.3 + 0.1 * i;
      const rho0 = 1.7 - 0.05 * i;
      const brute = rho1 * decoderLayer(params, l, forced(params, s, l, i, 1)) - rho0 * decoderLayer(params, l, forced(params, s, l, i, 0));
      expect(decoderAboveTerm(s.v[l][i], s.phi[l][i], s.dec[l], rho1, rho0)).toBeCloseTo(brute, 9);
    }
  });

  it.each([1, 2])('child messages and next-layer entropy of layer %i', (l) => {
    for (const chunk of [0, 1, 5]) {
      const n = params.sizes[l];
      const t = new FlipTables(n, params.sizes[l + 1]);
      t.fill(params.encW[l], 1);
      const dlq = new Float64Array(n);
      const dent = new Float64Array(n);
      encoderChildDeltas(params.encW[l], t, s.phi[l], n, s.u[l + 1], s.ut[l + 1], s.p[l + 1], s.q[l + 1], s.phi[l + 1], s.on[l + 1], s.onCount[l + 1], params.sizes[l + 1], dlq, dent, chunk > 0 && big <= 600 ? chunk : undefined);
      const actualLogQ = encoderLogProb(params, l + 1, s);
      const actualH = s.ent[l + 1];
      const rho = new Float64Array(2);
      for (let i = 0; i < n; i++) {
        const logQ = (v: number): number => {
          const f = forced(params, s, l, i, v);
          encoderLayer(params, l + 1, f);
          return encoderLogProb(params, l + 1, f);
        };
        const ent = (v: number): number => encoderLayer(params, l + 1, forced(params, s, l, i, v));
        const flipped = 1 - s.phi[l][i];
        expect(dlq[i]).toBeCloseTo(logQ(flipped) - actualLogQ, 9);
        expect(dent[i]).toBeCloseTo(ent(flipped) - actualH, 9);
        // rho(v) = Q_v / (p Q_1 + (1-p) Q_0), Q̄ as a logsumexp (Q_v underflow for large weights)
        const p = s.p[l][i];
        const logQBar = logSumExp([Math.log(p) + logQ(1), Math.log(s.q[l][i]) + logQ(0)]);
        const delta = s.phi[l][i] === 1 ? -1 : 1;
        rhoPair(p, s.q[l][i], -delta * dlq[i], rho);
        expect(rho[0]).toBeCloseTo(Math.exp(logQ(1) - logQBar), 6);
        expect(rho[1]).toBeCloseTo(Math.exp(logQ(0) - logQBar), 6);
      }
    }
  });
});
