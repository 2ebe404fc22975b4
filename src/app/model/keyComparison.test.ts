import { describe, expect, it } from 'vitest';
import type { RunSpec } from '../../engine/types.ts';
import type { MetricPoint, RunPoint } from '../../worker/protocol.ts';
import { formatFactor, isHindsightEstimator, keyComparison } from './keyComparison.ts';
import { smoothMetricPoints } from './smoothing.ts';

const run = (train: number, logVar: number, test: number | null = null): RunPoint => ({ train, test, logVar, layerLogVar: [logVar, logVar - 1] });
const point = (update: number, runs: RunPoint[], tested = false): MetricPoint => ({ update, epoch: update / 1200, runs, tested });
const runs: RunSpec[] = [
  { index: 0, estimator: 'hnca', seed: 1 },
  { index: 1, estimator: 'reinforce', seed: 1 },
];

describe('the key comparison sentence', () => {
  it('says how many times less noisy HNCA is, from the mean of the last points, and the test accuracies', () => {
    // old points (outside the last 5) must not count
    const points = [point(60, [run(0.1, 0, null), run(0.1, 0, null)])];
    for (let i = 0; i < 5; i++) points.push(point(120 + 60 * i, [run(0.8, -12.1 + (i % 2 ? 0.2 : -0.2), null), run(0.5, -6 + (i % 2 ? -0.1 : 0.1), null)]));
    points.push(point(480, [run(0.8, -12.1, 0.84), run(0.5, -6, 0.56)], true));
    const c = keyComparison(points, runs, ['hnca', 'reinforce'], 'bandit');
    expect(c).not.toBeNull();
    if (!c) return;
    expect(c.hnca).toBe('hnca');
    expect(c.rival).toBe('reinforce');
    // the last 5 points: HNCA −12.1 ± 0.2 alternating, REINFORCE −6 ∓ 0.1
    const h = (-12.3 - 11.9 - 12.3 - 11.9 - 12.1) / 5;
    const r = (-5.9 - 6.1 - 5.9 - 6.1 - 6) / 5;
    expect(c.nats).toBeCloseTo(r - h, 12);
    expect(c.factor).toBeCloseTo(Math.exp(r - h), 9);
    expect(c.sentence).toBe(`HNCA’s gradient noise is about ${formatFactor(Math.exp(r - h))}× smaller than REINFORCE’s (its log variance is ${(r - h).toFixed(1)} lower); its test accuracy is 0.84 against 0.56.`);
  });

  it('says larger, about the same, online train accuracy before a test, and the VAE’s ELBO', () => {
    const worse = keyComparison([point(60, [run(0.3, -5), run(0.4, -7)])], runs, ['hnca', 'reinforce'], 'bandit');
    expect(worse?.sentence).toBe('HNCA’s gradient noise is about 7.4× larger than REINFORCE’s (its log variance is 2.0 higher); its online train accuracy is 0.30 against 0.40.');
    const same = keyComparison([point(60, [run(0.3, -5), run(0.4, -5.05)])], runs, ['hnca', 'reinforce'], 'bandit');
    expect(same?.sentence).toMatch(/^HNCA’s gradient noise is about the same as REINFORCE’s/);
    const vaeRuns: RunSpec[] = [
      { index: 0, estimator: 'reinforce', seed: 1 },
      { index: 1, estimator: 'fhnca-baseline', seed: 1 },
    ];
    const vae = keyComparison([point(60, [run(-190, -2), run(-150.04, -6)])], vaeRuns, ['fhnca-baseline', 'reinforce'], 'vae');
    expect(vae?.sentence).toBe('f-HNCA + baseline’s encoder-gradient noise is about 55× smaller than REINFORCE’s (its log variance is 4.0 lower); its train ELBO is -150.0 against -190.0 nats (higher is better).');
  });

  it('needs both kinds of estimator and finite variances; prefers REINFORCE as the rival; skips −∞ and stopped runs', () => {
    expect(keyComparison([point(60, [run(0.3, -5), run(0.4, -7)])], runs, ['hnca'], 'bandit')).toBeNull();
    expect(keyComparison([], runs, ['hnca', 'reinforce'], 'bandit')).toBeNull();
    expect(keyComparison([point(60, [run(0.3, Number.NEGATIVE_INFINITY), run(0.4, -7)])], runs, ['hnca', 'reinforce'], 'bandit')).toBeNull();
    const three: RunSpec[] = [...runs, { index: 2, estimator: 'reinforce-baseline', seed: 1 }];
    const c = keyComparison([point(60, [run(0.3, -9), run(0.4, -7), run(0.5, Number.NaN)])], three, ['hnca', 'reinforce-baseline', 'reinforce'], 'bandit');
    expect(c?.rival).toBe('reinforce');
    expect(['hnca', 'hnca-baseline', 'fhnca-baseline-all-children'].every((e) => isHindsightEstimator(e as 'hnca'))).toBe(true);
    expect(['reinforce', 'reinforce-loo', 'disarm'].some((e) => isHindsightEstimator(e as 'hnca'))).toBe(false);
    expect([449.6, 12.34, 1.5, 3e7].map(formatFactor)).toEqual(['450', '12', '1.5', '30 million']);
  });
});

describe('smoothing', () => {
  it('is a debiased EMA per run of the dense metrics; test values and non-finite values pass through', () => {
    const points = [point(1, [run(1, -10, 0.5)]), point(2, [run(0, Number.NEGATIVE_INFINITY)]), point(3, [run(0, -20)])];
    const smoothed = smoothMetricPoints(points, 0.5);
    // train: 1, then (0.5·0.5 + 0.5·0) / (0.75) = 1/3, then ((0.25 + 0)·0.5 + 0) / 0.875 = 1/7
    expect(smoothed.map((p) => p.runs[0].train)).toEqual([1, 1 / 3, 1 / 7].map((v) => expect.closeTo(v, 12) as unknown as number));
    expect(smoothed[0].runs[0].test).toBe(0.5);
    expect(smoothed[1].runs[0].logVar).toBe(Number.NEGATIVE_INFINITY);
    // −∞ skipped: −10 then −20 → (0.5·(−5)·… ) debiased: (−2.5·… ) = (0.5·0.5·(−10) + 0.5·(−20)) / 0.75 = −16.67
    expect(smoothed[2].runs[0].logVar).toBeCloseTo((0.25 * -10 + 0.5 * -20) / 0.75, 12);
    expect(smoothed[2].runs[0].layerLogVar[1]).toBeCloseTo((0.25 * -11 + 0.5 * -21) / 0.75, 12);
    expect(smoothMetricPoints(points, 0)).toBe(points);
    expect(() => smoothMetricPoints(points, 1)).toThrow(RangeError);
    expect(points[2].runs[0].logVar).toBe(-20); // the input is not changed
  });
});
