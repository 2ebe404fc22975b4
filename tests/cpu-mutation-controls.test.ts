// Mutation controls of the CPU engine's exact unbiasedness checks (issue 29: "a 10% bias in any
// estimator's signal, on either engine, fails a test"). tests/bandit-enumeration.test.ts,
// bandit-categorical.test.ts, vae-enumeration.test.ts and conv-bandit-enumeration.test.ts compute
// each estimator's exact expectation through the engine's own code (BanditRun, ExampleWork,
// ConvBanditRun with its TensorFlow.js trunk) and compare it with the finite-difference gradient
// of the exact objective; here the same computation runs with the first hidden (encoder) layer's
// learning signal ×1.1 — injected where the engine turns signals into gradients
// (accumulateGradients, addExampleGradients, mocked to scale the signal first; for the conv
// bandit, the Bernoulli layer's signals as hncaSignals / reinforceSignals leave them, before the
// trunk's backward pass) — and the same comparison must fail, by exactly that bias on that
// layer (the conv bandit: every trunk tensor) and nowhere else.
// With BIAS = 1 the mocks change nothing and the comparison passes (the control is transparent).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { BanditScratch } from '../src/models/bandit/scratch.ts';
import type { ExampleWork } from '../src/models/vae/estimators.ts';
import { BANDIT_ESTIMATORS } from '../src/engine/types.ts';
import { VAE_ABLATED_ESTIMATORS } from '../src/engine/estimators.ts';
import { VAE_ESTIMATORS } from '../src/engine/types.ts';
import { exactEstimatorMoments, finiteDifferenceGradient, tinyParameters, tinyShape, type TinyProblem } from './helpers/tinyBandit.ts';
import { exactMoments as exactConvMoments, finiteDifferenceGradient as convGradient, problems as convProblems, tinyParameters as convParameters } from './helpers/convBanditExact.ts';
import { useTrunkBackend } from '../src/trunk/backend.ts';
import { elboGradientFD, exactEstimatorMoments as exactVaeMoments, tinyModel } from './vaeTiny.ts';

/** the learning signal's factor on the first hidden layer, set per test */
const mutation = vi.hoisted(() => ({ bias: 1, convSignal: 1 }));

/** Scales `signal` by mutation.bias around `body` (restored after, so nothing downstream sees it twice). */
function biased(signal: Float64Array, body: () => void): void {
  if (mutation.bias === 1) return body();
  const saved = Float64Array.from(signal);
  for (let e = 0; e < signal.length; e++) signal[e] *= mutation.bias;
  try {
    body();
  } finally {
    signal.set(saved);
  }
}

/** Runs a signal function (s, layer, width, batch), then scales layer 0's signals by mutation.convSignal. */
function scaleLayerSignal([s, layer, width, batch]: [BanditScratch, number, number, number], body: () => void): void {
  body();
  if (layer !== 0 || mutation.convSignal === 1) return;
  for (let e = 0; e < width * batch; e++) s.signal[0][e] *= mutation.convSignal;
}

vi.mock('../src/models/bandit/gradients.ts', async (original) => {
  const real = await original<typeof import('../src/models/bandit/gradients.ts')>();
  return {
    ...real,
    accumulateGradients: (...args: Parameters<typeof real.accumulateGradients>) => biased((args[1] as BanditScratch).signal[0], () => real.accumulateGradients(...args)),
    hncaSignals: (...args: Parameters<typeof real.hncaSignals>) => scaleLayerSignal(args, () => real.hncaSignals(...args)),
    reinforceSignals: (...args: Parameters<typeof real.reinforceSignals>) => scaleLayerSignal(args, () => real.reinforceSignals(...args)),
  };
});
vi.mock('../src/models/vae/gradients.ts', async (original) => {
  const real = await original<typeof import('../src/models/vae/gradients.ts')>();
  return {
    ...real,
    addExampleGradients: (...args: Parameters<typeof real.addExampleGradients>) => biased((args[1] as ExampleWork).encGrad[1], () => real.addExampleGradients(...args)),
  };
});

/** max_e |got[e] − want[e]| */
function worst(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let w = 0;
  for (let e = 0; e < want.length; e++) w = Math.max(w, Math.abs(got[e] - want[e]));
  return w;
}

/**
 * The control itself: `expectation()` (an exact expectation through the engine's code) passes the
 * exact check with the mutation off (`setFactor(1)`); with the first layer's signal ×1.1 it fails
 * it, and equals 1.1 × exact on the parameters of layer 0 (`layerOf`) and exact elsewhere.
 */
function expectControl(expectation: () => ArrayLike<number>, exact: ArrayLike<number>, layerOf: readonly number[], tolerance: number, setFactor: (factor: number) => void): void {
  setFactor(1);
  expect(worst(expectation(), exact)).toBeLessThan(tolerance);
  setFactor(1.1);
  try {
    const mean = expectation();
    expect(worst(mean, exact)).toBeGreaterThan(tolerance);
    expect(worst(mean, Array.from(exact, (g, e) => (layerOf[e] === 0 ? 1.1 * g : g)))).toBeLessThan(tolerance);
  } finally {
    setFactor(1);
  }
}

const banditCases: { name: string; problem: TinyProblem; seed: number; tolerance: number }[] = [
  // bandit-enumeration.test.ts's depth-2 case (toBeCloseTo(·, 6): 5e-7) and bandit-categorical.test.ts's N = 3 depth-2 case (1e-9)
  { name: 'Bernoulli units [3, 2]', problem: { shape: tinyShape([3, 2], 3, 2, 'pm1'), x: [1, 0, 1], rewards: [0.3, 1] }, seed: 13, tolerance: 5e-7 },
  { name: 'categorical N = 3, units [2, 2]', problem: { shape: tinyShape([2, 2], 3, 3, 'pm1', 3), x: [1, 0, 1], rewards: [1, 0.2, -0.5] }, seed: 28, tolerance: 1e-9 },
];

describe.each(banditCases)('CPU bandit exact check has power: $name', ({ problem, seed, tolerance }) => {
  const params = tinyParameters(problem.shape, seed, 1.5);
  const exact = finiteDifferenceGradient(problem.shape, params, problem);
  const layerOf = params.tensors.flatMap((t, k) => Array.from({ length: t.size }, () => Math.floor(k / 2)));

  it.each(BANDIT_ESTIMATORS)("%s: the first hidden layer's signal ×1.1 fails the exact check by 10% of that layer's gradient, and ×1 passes", (estimator) => {
    expectControl(() => exactEstimatorMoments(params, estimator, problem, 0.4).mean, exact, layerOf, tolerance, (f) => (mutation.bias = f));
  });
});

describe.each([1, 2])('CPU VAE exact check has power at depth %i', (layers) => {
  const X = [1, 0, 1, 1];
  const params = tinyModel({ pixels: 4, layers, width: 2 }, 11 + layers);
  const fd = elboGradientFD(params, X);
  const baselines = new Float64Array(layers + 1).fill(3.7);

  it.each([...VAE_ESTIMATORS, ...VAE_ABLATED_ESTIMATORS])("%s: the first encoder layer's signal ×1.1 fails vae-enumeration's 1e-9 check by 10% of that layer's gradient, and ×1 passes", (estimator) => {
    const flat = (a: Float64Array[]) => a.flatMap((t) => Array.from(t));
    // tensors [encW1, encB1, …]: the first two carry layer 1's signal
    const layerOf = fd.flatMap((t, k) => Array.from(t, () => (k < 2 ? 0 : 1)));
    expectControl(() => flat(exactVaeMoments(params, X, estimator, baselines).mean), flat(fd), layerOf, 1e-9, (f) => (mutation.bias = f));
  });
});

describe.each(convProblems)('CPU conv bandit exact check has power: $shape.convLayers convolution(s)', (problem) => {
  const params = convParameters(problem.shape, 3 + problem.shape.convLayers);
  const exact = convGradient(problem, params);
  // tensors [K0, k0, (K1, k1,) W, b, V, c]: every trunk tensor gets the Bernoulli layer's signal
  const trunkTensors = 2 * problem.shape.convLayers + 2;
  const layerOf = params.tensors.flatMap((t, k) => Array.from({ length: t.size }, () => (k < trunkTensors ? 0 : 1)));
  /** conv-bandit-enumeration.test.ts's tolerance: 2e-5 of the largest exact entry (a float32 trunk) */
  const tolerance = 2e-5 * Math.max(...exact.map(Math.abs));
  beforeAll(async () => {
    await useTrunkBackend('wasm');
  });

  it.each(BANDIT_ESTIMATORS)("%s: the Bernoulli layer's signal ×1.1 fails the exact check by 10% of every trunk tensor's gradient, and ×1 passes", (estimator) => {
    expectControl(() => exactConvMoments(problem, params, estimator, 0.4).mean, exact, layerOf, tolerance, (f) => (mutation.convSignal = f));
  });
});
