// The estimator registry (src/engine/estimators.ts): stable ids, per-task views, lookups.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BANDIT_ESTIMATORS,
  banditEstimator,
  ESTIMATORS,
  estimatorLabel,
  findEstimator,
  isEstimatorFor,
  isEstimatorId,
  VAE_ABLATED_ESTIMATORS,
  VAE_ESTIMATORS,
  vaeEstimator,
} from '../src/engine/estimators.ts';

describe('estimator registry', () => {
  it('keeps the ids and their order (results JSON, URLs and golden fixtures use them)', () => {
    expect(BANDIT_ESTIMATORS).toEqual(['hnca', 'hnca-baseline', 'reinforce', 'reinforce-baseline']);
    expect(VAE_ESTIMATORS).toEqual(['fhnca', 'fhnca-baseline', 'reinforce', 'reinforce-baseline', 'reinforce-loo', 'disarm']);
    expect(new Set(ESTIMATORS.map((e) => e.id)).size).toBe(ESTIMATORS.length);
    // appendix K (docs/math.md §7.3): serve the VAE, yet not in VAE_ESTIMATORS (`all`, default grids)
    expect(VAE_ABLATED_ESTIMATORS).toEqual(['fhnca-baseline-all-children', 'fhnca-baseline-full-reward', 'fhnca-baseline-all-children-full-reward']);
    for (const id of VAE_ABLATED_ESTIMATORS) expect(isEstimatorFor('vae', id) && !isEstimatorFor('bandit', id), id).toBe(true);
    expect(estimatorLabel('fhnca-baseline-full-reward')).toBe('f-HNCA + baseline (full reward)');
  });

  it('gives each task its signal, baseline and extra samples', () => {
    const bandit = BANDIT_ESTIMATORS.map((id) => {
      const e = banditEstimator(id);
      return [e.id, e.signal, e.baseline, e.extraSample];
    });
    expect(bandit).toEqual([
      ['hnca', 'hnca', false, 'none'],
      ['hnca-baseline', 'hnca', true, 'none'],
      ['reinforce', 'score-function', false, 'none'],
      ['reinforce-baseline', 'score-function', true, 'none'],
    ]);
    const vae = VAE_ESTIMATORS.map((id) => {
      const e = vaeEstimator(id);
      return [e.id, e.signal, e.baseline, e.extraSample];
    });
    expect(vae).toEqual([
      ['fhnca', 'fhnca', false, 'none'],
      ['fhnca-baseline', 'fhnca', true, 'none'],
      ['reinforce', 'score-function', false, 'none'],
      ['reinforce-baseline', 'score-function', true, 'none'],
      ['reinforce-loo', 'leave-one-out', false, 'second-sample'],
      ['disarm', 'disarm', false, 'antithetic'],
    ]);
  });

  it('refuses a task the estimator does not serve, naming the accepted ones', () => {
    expect(() => banditEstimator('disarm')).toThrow(/estimator 'disarm' does not serve the contextual bandit; accepted: hnca, hnca-baseline/);
    expect(() => vaeEstimator('hnca-baseline')).toThrow(/estimator 'hnca-baseline' does not serve the VAE; accepted: fhnca,/);
    expect(isEstimatorFor('bandit', 'reinforce')).toBe(true);
    expect(isEstimatorFor('vae', 'reinforce')).toBe(true);
    expect(isEstimatorFor('bandit', 'fhnca')).toBe(false);
    expect(isEstimatorFor('vae', 'hnca')).toBe(false);
    expect(isEstimatorFor('vae', 'all')).toBe(false);
  });

  it('labels every estimator once; unknown ids are shown as they are', () => {
    expect(estimatorLabel('hnca-baseline')).toBe('HNCA + baseline');
    expect(estimatorLabel('reinforce-loo')).toBe('REINFORCE LOO');
    expect(estimatorLabel('fhnca-baseline')).toBe('f-HNCA + baseline');
    expect(estimatorLabel('not-an-estimator')).toBe('not-an-estimator');
    expect(new Set(ESTIMATORS.map((e) => e.label)).size).toBe(ESTIMATORS.length);
    for (const e of ESTIMATORS) expect(e.description.length, e.id).toBeGreaterThan(20);
    expect(findEstimator('disarm')?.label).toBe('DisARM');
    expect(findEstimator('DisARM')).toBeUndefined();
    expect(isEstimatorId('reinforce-baseline')).toBe(true);
    expect(isEstimatorId('reinforce-')).toBe(false);
  });

  it('imports nothing, so models, engines, CLI, worker and app can all import it', () => {
    const source = readFileSync(path.join(import.meta.dirname, '..', 'src', 'engine', 'estimators.ts'), 'utf8');
    expect(source).not.toMatch(/^\s*import\b/m);
    expect(source).not.toMatch(/\bfrom\s+['"]/);
  });
});
