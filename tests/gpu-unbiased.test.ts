// docs/math.md §5 on the WebGPU engine: on tiny networks, the mean of every estimator's gradient
// (read from the GPU after each update, through the real RNG path) equals the exact gradient of
// E[r] (finite differences of the exact enumeration, tests/helpers/tinyBandit.ts) within a few
// standard errors. The learning rate is tiny so the parameters stay put while sampling.
import { describe, expect, it } from 'vitest';
import { initBanditParameters } from '../src/models/bandit/parameters.ts';
import { BANDIT_ESTIMATORS, type HiddenValues } from '../src/engine/types.ts';
import { finiteDifferenceGradient, tinyShape } from './helpers/tinyBandit.ts';
import { constantDataset, gpuEngine, smallConfig } from './helpers/gpuTest.ts';

const X = [1, 0, 1];
const LABEL = 1;
const BATCH = 256;
const UPDATES = 48;
const SEED = 21;

const cases: { hidden: number; width: number; actions: number; values: HiddenValues }[] = [
  { hidden: 1, width: 3, actions: 3, values: 'pm1' },
  { hidden: 2, width: 2, actions: 3, values: 'pm1' },
  { hidden: 2, width: 2, actions: 2, values: '01' },
];

describe.each(cases)('WebGPU engine is unbiased: $hidden hidden layer(s) of $width, $actions actions, $values', ({ hidden, width, actions, values }) => {
  it('every estimator: sample mean of the GPU gradients within 4.5 standard errors of the exact gradient', async () => {
    const shape = tinyShape(Array.from({ length: hidden }, () => width), X.length, actions, values);
    const params = initBanditParameters(shape, SEED);
    const rewards = Array.from({ length: actions }, (_, a) => (a === LABEL ? 1 : 0));
    const exact = finiteDifferenceGradient(shape, params, { shape, x: X, rewards });
    expect(Math.max(...exact.map(Math.abs))).toBeGreaterThan(1e-3);
    const config = smallConfig({ hidden, width, hiddenValues: values, estimators: [...BANDIT_ESTIMATORS], seeds: [SEED], batch: BATCH, lr: 1e-12 });
    const engine = await gpuEngine(config, constantDataset(X, LABEL, actions, BATCH));
    const n = exact.length;
    const sums = engine.runs.map(() => ({ sum: new Float64Array(n), sumSq: new Float64Array(n) }));
    for (let t = 0; t < UPDATES; t++) {
      await engine.step(1);
      // per run, the batch-mean gradient, in the CPU's tensor order [W0, b0, W1, b1, …]
      const grads = new Float32Array(await engine.debugRead('grads'));
      sums.forEach((s, r) => {
        for (let e = 0; e < n; e++) {
          const g = grads[r * n + e];
          s.sum[e] += g;
          s.sumSq[e] += g * g;
        }
      });
    }
    engine.dispose();
    let worstZ = 0;
    sums.forEach((s) => {
      for (let e = 0; e < n; e++) {
        const mean = s.sum[e] / UPDATES;
        const se = Math.sqrt(Math.max(s.sumSq[e] / UPDATES - mean * mean, 0) / (UPDATES - 1));
        const z = Math.abs(mean - exact[e]) / (se + 1e-7);
        worstZ = Math.max(worstZ, z);
      }
    });
    console.log(`[unbiased ${hidden}×${width} ${values}] ${BATCH * UPDATES} samples per estimator, worst |mean − exact| / SE = ${worstZ.toFixed(2)} over ${4 * n} parameters`);
    expect(worstZ).toBeLessThan(4.5);
  });
});
