// A short real run on MNIST (issue 5 proof): 2 stochastic layers of 50 units, paper
// optimizer (Adam 1e-4, batch 50), f-HNCA with baseline vs REINFORCE on the same minibatches
// from the same initial weights: f-HNCA + baseline is ahead in ELBO with lower variance.
import { describe, expect, it } from 'vitest';
import { createCpuEngine } from '../src/backends/cpu/index.ts';
import { PAPER_OPTIMIZER, type RunCounters } from '../src/engine/types.ts';
import { loadMnist } from '../src/node/mnist.ts';

function windowMeans(a: RunCounters, b: RunCounters): { elbo: number; logVariance: number } {
  return {
    elbo: (b.scoreSum - a.scoreSum) / (b.examples - a.examples),
    logVariance: Math.log((b.gradVarianceSum - a.gradVarianceSum) / (b.updates - a.updates)),
  };
}

describe('VAE on MNIST, 2 layers × 50 units, 300 updates', () => {
  it('f-HNCA with baseline beats REINFORCE in ELBO and gradient variance', async () => {
    const data = loadMnist({ testLimit: 100 });
    const engine = createCpuEngine({
      config: { task: 'vae', layers: 2, width: 50, estimators: ['fhnca-baseline', 'reinforce'], seeds: [1], batch: 50, testK: 20, ...PAPER_OPTIMIZER },
      data,
    });
    await engine.step(200);
    const mid = await engine.readCounters();
    await engine.step(100);
    const end = await engine.readCounters();
    const [hnca, reinforce] = [0, 1].map((r) => windowMeans(mid[r], end[r]));
    for (const c of end) expect(c.finite).toBe(true);
    expect(hnca.elbo).toBeGreaterThan(reinforce.elbo + 10);
    expect(hnca.logVariance).toBeLessThan(reinforce.logVariance - 3);
    expect(end[0].layerGradVarianceSum.length).toBe(2);
    for (let l = 0; l < 2; l++) expect(end[0].layerGradVarianceSum[l]).toBeLessThan(end[1].layerGradVarianceSum[l]);
    const [hb, rb] = await engine.evaluate();
    expect(hb.k).toBe(20);
    expect(hb.testScore).toBeGreaterThan(rb.testScore);
    expect(hb.testScore).toBeLessThan(0);
  });
});
