// docs/math.md §5: every bandit estimator is unbiased, proven by exact enumeration on tiny
// networks (deterministic) and by sampling through the real RNG path; Theorem 1 (HNCA's
// per-parameter variance ≤ REINFORCE's) checked exactly.
import { describe, expect, it } from 'vitest';
import { BANDIT_ESTIMATORS, type HiddenValues } from '../src/engine/types.ts';
import { exactEstimatorMoments, sampledEstimatorMeans, finiteDifferenceGradient, tinyParameters, tinyShape, type TinyProblem } from './helpers/tinyBandit.ts';

const depths: { widths: number[]; actions: number }[] = [
  { widths: [3], actions: 3 },
  { widths: [3, 2], actions: 2 },
  { widths: [2, 3, 2], actions: 3 },
];
const valueKinds: HiddenValues[] = ['pm1', '01'];

function problemFor(widths: number[], actions: number, values: HiddenValues): TinyProblem {
  return {
    shape: tinyShape(widths, 3, actions, values),
    x: [1, 0, 1],
    rewards: actions === 3 ? [1, 0.2, -0.5] : [0.3, 1],
  };
}

describe.each(depths)('depth $widths.length (widths $widths)', ({ widths, actions }) => {
  describe.each(valueKinds)('hidden values %s', (values) => {
    const problem = problemFor(widths, actions, values);
    const params = tinyParameters(problem.shape, 11 + widths.length, 1.5);
    const exact = finiteDifferenceGradient(problem.shape, params, problem);

    it('the exact gradient is not trivially zero, and a 1% bias of any layer\'s signal would fail the exact check below', () => {
      expect(Math.max(...exact.map(Math.abs))).toBeGreaterThan(1e-3);
      // toBeCloseTo(·, 6) allows 5e-7: a bias β of layer k's signal moves its gradient by β·exact,
      // so every layer needs an entry above 5e-7 / 0.01 (the exact checks' power, stated)
      let o = 0;
      params.tensors.forEach((t, k) => {
        if (k % 2 === 0) {
          const layer = exact.slice(o, o + t.size + params.tensors[k + 1].size);
          expect(Math.max(...Array.from(layer, Math.abs)), `layer ${k / 2}`).toBeGreaterThan(5e-7 / 0.01);
        }
        o += t.size;
      });
    });

    it.each(BANDIT_ESTIMATORS)('%s: exact expectation equals the finite-difference gradient', (estimator) => {
      // a constant nonzero baseline for the -baseline variants: it must not bias the estimate
      const { mean } = exactEstimatorMoments(params, estimator, problem, 0.4);
      for (let e = 0; e < exact.length; e++) expect(mean[e]).toBeCloseTo(exact[e], 6);
    });

    it('Theorem 1: HNCA variance ≤ REINFORCE variance for every parameter (exact)', () => {
      for (const baseline of [0, 0.4]) {
        const hnca = exactEstimatorMoments(params, 'hnca', problem, baseline).variance;
        const reinforce = exactEstimatorMoments(params, 'reinforce', problem, baseline).variance;
        let strictlyLower = 0;
        for (let e = 0; e < hnca.length; e++) {
          expect(hnca[e]).toBeLessThanOrEqual(reinforce[e] + 1e-12);
          if (hnca[e] < reinforce[e] - 1e-9) strictlyLower++;
        }
        expect(strictlyLower).toBeGreaterThan(0);
      }
    });

    it.each(BANDIT_ESTIMATORS)('%s: sample mean through the RNG is within 4.5 standard errors', (estimator) => {
      const { mean, se } = sampledEstimatorMeans(params, estimator, problem, widths.length, 20000);
      for (let e = 0; e < exact.length; e++) expect(Math.abs(mean[e] - exact[e])).toBeLessThanOrEqual(4.5 * se[e] + 1e-9);
    });
  });
});
