// docs/math.md §5 on the WebGPU engine: on tiny networks, the expectation of every estimator's
// gradient as the GPU computes it equals the exact gradient of E[r] (float64 finite differences of
// the enumeration, tests/helpers/tinyBandit.ts) to float32 rounding. The expectation is exact, not
// sampled: update t of the engine is forced (scripted draws in a test copy of rng.wgsl, every
// kernel unchanged) to sample outcome t of the enumeration — every hidden configuration and
// action — and its gradient is weighted by the outcome's probability (tests/helpers/gpuExpectation.ts).
// Power, stated and proven: the tolerance is TOLERANCE, every layer's exact gradient is large
// enough that a 1% multiplicative bias of that layer's learning signal exceeds it (logged per
// layer), and a mutation control — the same test on shaders whose first hidden layer's signal is
// ×1.1 — must fail. (The sampled test this replaces, 48 × 256 draws within 4.5 standard errors,
// passed a ×1.3 bias of that signal; tests/bandit-enumeration.test.ts proves the CPU engine the
// same way, exactly, through its own code.)
import { describe, expect, it } from 'vitest';
import { BANDIT_ESTIMATORS, type HiddenValues } from '../src/engine/types.ts';
import { detectableBias, gpuExpectedGradients, layerOfParameter, worstDeviation } from './helpers/gpuExpectation.ts';
import { SHADERS, smallConfig } from './helpers/gpuTest.ts';
import { biasLayerSignal } from './helpers/scriptedDraws.ts';
import { finiteDifferenceGradient, tinyParameters, tinyShape } from './helpers/tinyBandit.ts';

const X = [1, 0, 1];
const LABEL = 1;
const SEED = 21;
/** a nonzero moving-average baseline: the -baseline estimators must stay unbiased with it */
const BASELINE = 0.4;
/** |GPU expectation − exact| allowed per parameter (float32 gradients, float64 weights) */
const TOLERANCE = 2e-6;

const cases: { hidden: number; width: number; actions: number; values: HiddenValues }[] = [
  { hidden: 1, width: 3, actions: 3, values: 'pm1' },
  { hidden: 2, width: 2, actions: 3, values: 'pm1' },
  { hidden: 2, width: 2, actions: 2, values: '01' },
];

describe.each(cases)('WebGPU engine is unbiased: $hidden hidden layer(s) of $width, $actions actions, $values', ({ hidden, width, actions, values }) => {
  const shape = tinyShape(Array.from({ length: hidden }, () => width), X.length, actions, values);
  const params = tinyParameters(shape, SEED, 1.5);
  const rewards = Array.from({ length: actions }, (_, a) => (a === LABEL ? 1 : 0));
  const exact = finiteDifferenceGradient(shape, params, { shape, x: X, rewards });
  const layers = layerOfParameter(params);
  const config = smallConfig({ hidden, width, hiddenValues: values, estimators: [...BANDIT_ESTIMATORS], seeds: [SEED], batch: 1, optimizer: 'sgd', lr: 1e-12 });

  it(`every estimator: the GPU's exact expected gradient within ${TOLERANCE} of the exact gradient; a 1% bias of any layer's signal exceeds that`, async () => {
    const bias = detectableBias(exact, layers, TOLERANCE);
    expect(Math.max(...bias), `smallest detectable bias per layer: ${bias.join(', ')}`).toBeLessThan(0.01);
    const { expected, estimators } = await gpuExpectedGradients(config, shape, params, X, LABEL, BASELINE, SHADERS);
    const worst = expected.map((g) => worstDeviation(g, exact));
    console.log(
      `[gpu unbiased ${hidden}×${width} ${values}] |expected − exact| per estimator (${estimators.join(', ')}): ${worst.map((w) => w.toExponential(1)).join(', ')}; ` +
        `smallest detectable bias per layer: ${bias.map((b) => `${(100 * b).toFixed(3)}%`).join(', ')}`,
    );
    expect(Math.max(...worst)).toBeLessThan(TOLERANCE);
  }, 120_000);

  if (hidden === 2 && values === 'pm1') {
    it('mutation control: with the first hidden layer\'s signal ×1.1 in the shaders, every estimator fails the same check', async () => {
      const { expected } = await gpuExpectedGradients(config, shape, params, X, LABEL, BASELINE, biasLayerSignal(SHADERS, 'learning_signals.wgsl', ['hncaSignal', 'reinforceSignal']));
      for (const g of expected) {
        expect(worstDeviation(g, exact)).toBeGreaterThan(TOLERANCE);
        // and the deviation is the bias: layer 0's expectation is 1.1 × exact, the other layers' exact
        g.forEach((v, e) => expect(Math.abs(v - (layers[e] === 0 ? 1.1 : 1) * exact[e])).toBeLessThan(TOLERANCE));
      }
    }, 120_000);
  }
});
