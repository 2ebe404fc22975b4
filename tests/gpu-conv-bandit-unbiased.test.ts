// docs/math.md §5 and §7.2 on the WebGPU engine, exactly: the conv bandit's estimators are unbiased
// on the GPU. The two-convolution network of tests/conv-bandit-enumeration.test.ts (one 6×6 image,
// two 3×3 convolutions of 2 channels, 2 ±1 Bernoulli units, 2 actions, reward 1 for the label):
// the expectation of every estimator's gradient as the WebGPU engine computes it (trunk on
// tfjs-backend-webgpu, Bernoulli layer, credit, signals and output in our kernels) equals the
// exact gradient of E[r] (float64 finite differences of the enumeration) to float32 rounding.
// The expectation is exact, not sampled: update t is forced (scripted draws in a test copy of
// rng.wgsl, every kernel unchanged; tests/helpers/scriptedDraws.ts) to take outcome t of the
// enumeration — every configuration of the Bernoulli layer and every action, their probabilities
// from the float64 trunk (convBanditExact.ts referenceLogits) — and each update's gradient is
// weighted by its outcome's probability. Every update starts from the same parameters and
// baseline (imported before it). Power, stated and proven: TOLERANCE per parameter; every
// layer's exact gradient is large enough that a 1% bias of the Bernoulli layer's signal (which
// scales every trunk tensor's gradient) or of the output's exceeds it (logged); and a mutation
// control — the Bernoulli layer's signal ×1.1 — must fail for every estimator, by exactly that
// bias on the trunk's tensors and nowhere else.
import { describe, expect, it } from 'vitest';
import { createGpuConvBanditEngine } from '../src/backends/webgpu/index.ts';
import { BANDIT_ESTIMATORS, PAPER_OPTIMIZER, type ConvBanditConfig } from '../src/engine/types.ts';
import { BanditParameters } from '../src/models/bandit/parameters.ts';
import { nodeGpu } from '../src/node/webgpuNode.ts';
import { finiteDifferenceGradient, flatValues, problems, referenceLogits, tinyParameters, type Problem } from './helpers/convBanditExact.ts';
import { detectableBias, worstDeviation } from './helpers/gpuExpectation.ts';
import { constantDataset, SHADERS, testDevice } from './helpers/gpuTest.ts';
import { banditOutcomes, banditScript, biasLayerSignal, scriptedShaders } from './helpers/scriptedDraws.ts';
import { tinyShape } from './helpers/tinyBandit.ts';

const SEED = 5;
/** a nonzero moving-average baseline: the -baseline estimators must stay unbiased with it */
const BASELINE = 0.4;
/** |GPU expectation − exact| allowed per parameter (float32 trunk and gradients, float64 weights) */
const TOLERANCE = 2e-6;

const baseProblem = problems.find((p) => p.shape.convLayers === 2) as Problem;
// the engine's reward: 1 for the label (the action the enumeration problem rewards most), 0 else
const LABEL = baseProblem.rewards.indexOf(Math.max(...baseProblem.rewards));
const problem: Problem = { ...baseProblem, rewards: baseProblem.rewards.map((_, a) => (a === LABEL ? 1 : 0)) };
const { shape } = problem;
const params = tinyParameters(shape, 3 + shape.convLayers);
/** tensors [K0, k0, K1, k1, W, b, V, c]: the trunk's six, then the output's two */
const TRUNK_TENSORS = 2 * shape.convLayers + 2;
const layerOf = params.tensors.flatMap((t, k) => Array.from({ length: t.size }, () => (k < TRUNK_TENSORS ? 0 : 1)));

/**
 * The network after the trunk as a one-hidden-layer bandit on the input [1] (W0 = 0, b0 = the
 * trunk's float64 logits u, then V and c), whose outcomes (scriptedDraws.ts banditOutcomes) are the
 * conv bandit's: the Bernoulli layer's configurations and the action, with their probabilities.
 */
function headNetwork(): { head: BanditParameters; headShape: ReturnType<typeof tinyShape> } {
  const flat = flatValues(params);
  const headShape = tinyShape([shape.width], 1, shape.actions, 'pm1');
  const head = new BanditParameters(headShape);
  head.tensors[1].value.set(referenceLogits(shape, flat, problem.image));
  head.tensors[2].value.set(params.tensors[TRUNK_TENSORS].value);
  head.tensors[3].value.set(params.tensors[TRUNK_TENSORS + 1].value);
  return { head, headShape };
}

/** Per run (estimator): Σ_outcomes prob · the GPU's gradient of the update that took the outcome, in the optimizer's order. */
async function gpuExpected(shaders: Record<string, string>): Promise<{ estimator: string; expected: Float64Array }[]> {
  const { head, headShape } = headNetwork();
  const outcomes = banditOutcomes(headShape, head, [1]);
  expect(outcomes).toHaveLength(2 ** shape.width * shape.actions);
  expect(Math.abs(outcomes.reduce((a, o) => a + o.prob, 0) - 1)).toBeLessThan(1e-12);
  expect(Math.min(...outcomes.map((o) => o.margin))).toBeGreaterThan(1e-4);
  const data = constantDataset(Array.from(problem.image), LABEL, shape.actions, 4);
  const config: ConvBanditConfig = {
    task: 'conv-bandit',
    convLayers: shape.convLayers as ConvBanditConfig['convLayers'],
    channels: shape.channels,
    width: shape.width,
    hiddenValues: 'pm1',
    estimators: [...BANDIT_ESTIMATORS],
    seeds: [SEED],
    batch: 1,
    ...PAPER_OPTIMIZER,
    optimizer: 'sgd',
    lr: 1e-30,
  };
  const data6x6 = { ...data, rows: shape.rows, cols: shape.cols };
  const engine = await createGpuConvBanditEngine({ config, data: data6x6 }, { device: await testDevice(), gpu: await nodeGpu(), shaders: scriptedShaders(shaders, banditScript(outcomes, SEED)) });
  try {
    const n = params.parameterCount;
    const sums = engine.runs.map(() => new Float64Array(n));
    for (const outcome of outcomes) {
      // every update from the enumeration's parameters and the same baseline (the RNG step moves on)
      const state = await engine.exportState();
      for (const run of state.runs) {
        run.tensors.forEach((t, k) => t.value.set(params.tensors[k].value));
        run.baselines = [BASELINE];
      }
      await engine.importState(state, 'the enumeration parameters');
      await engine.step(1);
      const grads = new Float32Array(await engine.program.debugRead('grads'));
      sums.forEach((sum, r) => {
        for (let e = 0; e < n; e++) sum[e] += outcome.prob * grads[r * n + e];
      });
    }
    return engine.runs.map((spec, r) => ({ estimator: spec.estimator, expected: sums[r] }));
  } finally {
    engine.dispose();
  }
}

describe(`WebGPU conv bandit is unbiased, exactly: ${shape.convLayers} convolutions, ${shape.width} units, ${shape.actions} actions`, () => {
  const exact = finiteDifferenceGradient(problem, params);

  it(`every estimator: the GPU's exact expected gradient within ${TOLERANCE} of the exact gradient; a 1% bias of the Bernoulli layer's or the output's signal exceeds that`, async () => {
    const bias = detectableBias(exact, layerOf, TOLERANCE);
    expect(Math.max(...bias), `smallest detectable bias (trunk, output): ${bias.join(', ')}`).toBeLessThan(0.01);
    const runs = await gpuExpected(SHADERS);
    console.log(
      `[gpu conv exact] |expected − exact| per estimator: ${runs.map((r) => `${r.estimator} ${worstDeviation(r.expected, exact).toExponential(1)}`).join(', ')}; ` +
        `smallest detectable bias (trunk via the Bernoulli signal, output): ${bias.map((b) => `${(100 * b).toPrecision(2)}%`).join(', ')}`,
    );
    for (const r of runs) expect(worstDeviation(r.expected, exact), r.estimator).toBeLessThan(TOLERANCE);
  }, 300_000);

  it("mutation control: with the Bernoulli layer's signal ×1.1 in the shaders, every estimator's expectation is 1.1 × exact on the trunk's tensors and exact on the output's", async () => {
    const runs = await gpuExpected(biasLayerSignal(SHADERS, 'learning_signals.wgsl', ['hncaSignal', 'reinforceSignal']));
    for (const { estimator, expected } of runs) {
      expect(worstDeviation(expected, exact), estimator).toBeGreaterThan(TOLERANCE);
      expected.forEach((v, e) => expect(Math.abs(v - (layerOf[e] === 0 ? 1.1 : 1) * exact[e]), `${estimator} parameter ${e}`).toBeLessThan(TOLERANCE));
    }
  }, 300_000);
});
