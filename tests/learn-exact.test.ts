// The lab's exact gradient equals the enumeration tests' finite-difference gradient; the exact
// estimator moments are unbiased with Var(HNCA) ≤ Var(REINFORCE); sampled means converge.
import { describe, expect, it } from 'vitest';
import { EstimatorSampler, exactGradient, exactMoments, LAB_ESTIMATORS } from '../src/models/bandit/exactLab.ts';
import { lessonNetwork, presetLesson } from '../src/app/learn/model/lesson.ts';
import { PRESET_IDS } from '../src/app/learn/model/presets.ts';
import type { HiddenValues } from '../src/engine/types.ts';
import { exactExpectedReward, finiteDifferenceGradient, flatten } from './helpers/tinyBandit.ts';

const cases = PRESET_IDS.flatMap((preset) => (['pm1', '01'] as HiddenValues[]).map((values) => ({ preset, values })));

describe.each(cases)('$preset with $values values', ({ preset, values }) => {
  const { problem, params } = lessonNetwork({ ...presetLesson(preset), hiddenValues: values });
  const exact = exactGradient(params, problem);

  it('exact gradient equals the finite-difference gradient of E[r]', () => {
    const fd = finiteDifferenceGradient(problem.shape, params, problem);
    expect(exact.expectedReward).toBeCloseTo(exactExpectedReward(problem.shape, flatten(params), problem), 12);
    fd.forEach((g, e) => expect(Math.abs(exact.gradient[e] - g)).toBeLessThan(1e-7));
    expect(Math.max(...exact.gradient.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it('every estimator is exactly unbiased and HNCA has no more variance than REINFORCE', () => {
    const m = LAB_ESTIMATORS.map((e) => exactMoments(params, problem, e, 0.5));
    for (const moments of m) moments.mean.forEach((v, e) => expect(Math.abs(v - exact.gradient[e])).toBeLessThan(1e-9));
    m[0].variance.forEach((v, e) => expect(v).toBeLessThanOrEqual(m[2].variance[e] * (1 + 1e-9) + 1e-15));
    m[1].variance.forEach((v, e) => expect(v).toBeLessThanOrEqual(m[3].variance[e] * (1 + 1e-9) + 1e-15));
  });
});

describe('sampler', () => {
  it('K = 2000 sampled means lie within 4 standard errors of the exact gradient for every parameter', () => {
    const { problem, params } = lessonNetwork(presetLesson('default'));
    const exact = exactGradient(params, problem).gradient;
    const sampler = new EstimatorSampler(params, problem, 2000, 1, 0.5);
    while (sampler.draw(300) > 0);
    expect(sampler.count).toBe(2000);
    LAB_ESTIMATORS.forEach((_, r) => {
      for (let e = 0; e < sampler.parameters; e++) {
        const se = sampler.standardError(r, e);
        expect(Math.abs(sampler.mean(r, e) - exact[e])).toBeLessThanOrEqual(4 * se + 1e-12);
      }
    });
    const values = sampler.values(0, 3);
    expect(values.length).toBe(2000);
    expect(values.reduce((a, b) => a + b, 0) / 2000).toBeCloseTo(sampler.mean(0, 3), 12);
  });
});
