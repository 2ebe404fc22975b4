// docs/math.md §3 test metric: the K-sample importance-weighted bound never exceeds log p(x) in
// expectation and converges to it as K grows (tiny model, log p(x) by enumeration).
import { describe, expect, it } from 'vitest';
import { importanceBound } from '../src/models/vae/bound.ts';
import { EvalDraws } from '../src/models/vae/draws.ts';
import { PassState } from '../src/models/vae/forward.ts';
import { enumerate, exactElbo, exactLogLikelihood, setInput, tinyModel } from './vaeTiny.ts';

const X = [1, 1, 0, 1];

describe.each([1, 2])('importance-weighted bound, %i layer(s)', (layers) => {
  const shape = { pixels: 4, layers, width: 2 };
  const params = tinyModel(shape, 31 + layers, 1);
  const logPx = exactLogLikelihood(params, X);
  const s = new PassState(params.sizes);

  it('exact E[bound_K] (enumerating all K samples): K = 1 is the ELBO, nondecreasing, below log p(x)', () => {
    const maxK = layers === 1 ? 5 : 3;
    const expected: number[] = [];
    for (let k = 1; k <= maxK; k++) {
      let total = 0;
      let bound = 0;
      const scratch = new Float64Array(k);
      enumerate(
        (d) => {
          setInput(s, X);
          bound = importanceBound(params, s, d, k, () => {}, scratch);
        },
        (prob) => {
          total += prob * bound;
        },
      );
      expected.push(total);
    }
    expect(expected[0]).toBeCloseTo(exactElbo(params, X), 10);
    expect(logPx - expected[0]).toBeGreaterThan(0.05); // the gap is real
    for (let k = 1; k < maxK; k++) expect(expected[k]).toBeGreaterThan(expected[k - 1]);
    for (const e of expected) expect(e).toBeLessThan(logPx);
  });

  it('sampled through the evaluation RNG: the bound climbs to log p(x)', () => {
    const draws = new EvalDraws(5, shape.width, layers);
    const gaps: number[] = [];
    for (const k of [1, 10, 100, 1000]) {
      const repeats = 100;
      const values: number[] = [];
      const scratch = new Float64Array(k);
      for (let r = 0; r < repeats; r++) {
        setInput(s, X);
        values.push(importanceBound(params, s, draws, k, (i) => draws.setSample(0, i, r), scratch));
      }
      const mean = values.reduce((a, b) => a + b, 0) / repeats;
      const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (repeats - 1));
      expect(mean).toBeLessThanOrEqual(logPx + 4 * (sd / Math.sqrt(repeats)) + 1e-12);
      gaps.push(logPx - mean);
    }
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeLessThan(gaps[i - 1]);
    expect(Math.abs(gaps[gaps.length - 1])).toBeLessThan(0.01);
  });
});
