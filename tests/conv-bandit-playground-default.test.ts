// The playground's conv task (?task=conv) at its default settings on real MNIST: HNCA's
// gradients stay alive. At Adam 1e-3 the paper's trunk collapsed HNCA within about 10 updates
// (the softmax output saturated, every image got one action, credit and gradients vanished:
// chance accuracy and ln variance near −40 in the playground), while REINFORCE went on learning.
import { describe, expect, it } from 'vitest';
import { createConvBanditCpuEngine } from '../src/backends/cpu/index.ts';
import { loadMnist } from '../src/node/mnist.ts';
import { convBanditConfigOf, defaultConfig } from '../src/playground/config.ts';

const UPDATES = 12;
/** the last updates whose mean per-parameter gradient variance is checked */
const LAST = 4;

describe('the playground conv task at its defaults', () => {
  it('keeps HNCA learning: its gradient variance over updates 9..12 (one measured: every 10th is) stays above e^-20', async () => {
    const data = loadMnist({ testLimit: 100 });
    const config = convBanditConfigOf(defaultConfig('conv'));
    expect(config.estimators).toEqual(['hnca', 'reinforce']);
    const engine = await createConvBanditCpuEngine(config, { data }, 'wasm');
    try {
      await engine.step(UPDATES - LAST);
      const before = await engine.readCounters();
      await engine.step(LAST);
      const after = await engine.readCounters();
      for (const run of [0, 1]) {
        expect(after[run].finite).toBe(true);
        // the playground measures the variance on every 10th update (varianceEvery): update 11 (t = 10) is one
        const measured = (after[run].varianceUpdates ?? after[run].updates) - (before[run].varianceUpdates ?? before[run].updates);
        expect(measured).toBe(1);
        const logVariance = Math.log((after[run].gradVarianceSum - before[run].gradVarianceSum) / measured);
        expect(logVariance, engine.runs[run].estimator).toBeGreaterThan(-20);
        // every layer, the convolutions included
        after[run].layerGradVarianceSum.forEach((sum, k) => {
          expect(Math.log((sum - before[run].layerGradVarianceSum[k]) / measured), `${engine.runs[run].estimator} layer ${k}`).toBeGreaterThan(-20);
        });
      }
    } finally {
      engine.dispose();
    }
  }, 120_000);
});
