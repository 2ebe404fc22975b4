// Bernoulli units through the StochasticUnits contract (docs/math.md §2, §7.1): the per-unit
// methods agree with the definitions they encode.
import { describe, expect, it } from 'vitest';
import { BernoulliUnits, clippedSigmoid, rhoPair } from '../src/models/units/bernoulli.ts';
import type { StochasticUnits } from '../src/models/units/types.ts';

describe('Bernoulli units', () => {
  const logits = Float64Array.from([-30, -3, -0.2, 0, 0.7, 4, 30]);
  for (const encoding of ['pm1', '01'] as const) {
    const units: StochasticUnits = new BernoulliUnits(encoding);
    it(`${encoding}: probabilities sum to 1, samples follow the inverse CDF, flips change the output by ∓magnitude`, () => {
      for (let at = 0; at < logits.length; at++) {
        const p = clippedSigmoid(logits[at]);
        expect(Math.exp(units.logProb(logits, at, 0)) + Math.exp(units.logProb(logits, at, 1))).toBeCloseTo(1, 14);
        expect(units.sample(logits, at, p * 0.999)).toBe(1);
        expect(units.sample(logits, at, p + (1 - p) * 0.001)).toBe(0);
        const out = new Float64Array(2);
        units.outputChange(1, 0, out, 0);
        units.outputChange(0, 1, out, 1);
        const m = encoding === 'pm1' ? 2 : 1;
        expect(Array.from(out)).toEqual([-m, m]);
        units.outputChange(1, 1, out, 0);
        expect(out[0]).toBe(0);
      }
    });
  }
  it('HNCA signal R p(1−p)(rho(1) − rho(0)) from log Q per value, rho from the definition Q(v)/Σπ(v′)Q(v′)', () => {
    const units = new BernoulliUnits('pm1');
    const out = new Float64Array(1);
    const rho = new Float64Array(2);
    for (let at = 0; at < logits.length; at++) {
      for (const [q0, q1] of [[0.2, 0.7], [1e-3, 0.5], [0.9, 0.9]]) {
        const p = clippedSigmoid(logits[at]);
        const qBar = p * q1 + (1 - p) * q0;
        units.hncaSignals(1.5, logits, at, [Math.log(q0), Math.log(q1)], out, 0);
        expect(out[0]).toBeCloseTo(1.5 * p * (1 - p) * ((q1 - q0) / qBar), 12);
        rhoPair(p, 1 - p, Math.log(q0) - Math.log(q1), rho);
        expect(rho[0]).toBeCloseTo(q1 / qBar, 10);
        expect(rho[1]).toBeCloseTo(q0 / qBar, 10);
      }
      units.reinforceSignals(2, logits, at, 1, out, 0);
      expect(out[0]).toBeCloseTo(2 * (1 - clippedSigmoid(logits[at])), 14);
    }
  });
});
