// docs/math.md §5 and §7.2 on the WebGPU engine: the conv bandit's estimators are unbiased on the
// GPU. The two-convolution network of tests/conv-bandit-enumeration.test.ts (one 6×6 image, two
// 3×3 convolutions of 2 channels, 2 ±1 Bernoulli units, 2 actions), with the reward 1 for the
// image's label (the engine's reward): the mean of the batch-mean gradients the WebGPU engine
// computes (trunk on tfjs-backend-webgpu, Bernoulli layer, credit, signals and output in our
// kernels, its RNG) over many updates equals the exact gradient of E[r] (float64 finite
// differences of the enumeration) within 4.5 standard errors, for HNCA and REINFORCE and every
// parameter. The parameters are held still by SGD at a learning rate of 1e-30 (no float32
// parameter moves; checked), so that every update samples the same distribution.
// One network and two estimators only: SwiftShader runs the trunk's library ~100× slower than
// WASM (the trunk's forward and backward pass of 100 examples take about 0.6 s here). The one-convolution network, the
// -baseline estimators and the exact enumeration of every estimator are proven on the CPU engine
// (tests/conv-bandit-enumeration.test.ts), which the WebGPU engine equals update for update
// (tests/gpu-conv-bandit-parity.test.ts).
import { describe, expect, it } from 'vitest';
import type { Dataset, ImageSet } from '../src/data/dataset.ts';
import { createGpuConvBanditEngine } from '../src/backends/webgpu/index.ts';
import { PAPER_OPTIMIZER, type ConvBanditConfig } from '../src/engine/types.ts';
import type { ConvBanditParameters } from '../src/models/convBandit/parameters.ts';
import { nodeGpu } from '../src/node/webgpuNode.ts';
import { finiteDifferenceGradient, problems, tinyParameters, type Problem } from './helpers/convBanditExact.ts';
import { SHADERS, testDevice } from './helpers/gpuTest.ts';

/** updates averaged, and examples per update (copies of the one image) */
const UPDATES = 30;
const BATCH = 100;

/** The problem's image as a dataset of copies (intensity 255 or 0: binarization keeps it exactly) labelled `label`. */
function imageDataset(problem: Problem, label: number): Dataset {
  const { rows, cols } = problem.shape;
  const pixels = rows * cols;
  const set = (count: number): ImageSet => {
    const images = new Uint8Array(count * pixels);
    for (let n = 0; n < count; n++) for (let p = 0; p < pixels; p++) images[n * pixels + p] = problem.image[p] ? 255 : 0;
    return { count, images, labels: new Uint8Array(count).fill(label) };
  };
  return { rows, cols, pixels, classes: problem.shape.actions, train: set(BATCH), test: set(4) };
}

/** Every parameter of `params` in the optimizer's order. */
function flat(params: ConvBanditParameters): Float32Array {
  const out = new Float32Array(params.parameterCount);
  let o = 0;
  for (const t of params.tensors) {
    out.set(t.value, o);
    o += t.size;
  }
  return out;
}

describe.each(problems.filter((p) => p.shape.convLayers === 2))('WebGPU conv bandit, $shape.convLayers convolutions, $shape.width units, $shape.actions actions', (baseProblem) => {
  // the engine's reward: 1 for the label (the action the enumeration problem rewards most), 0 else
  const label = baseProblem.rewards.indexOf(Math.max(...baseProblem.rewards));
  const problem: Problem = { ...baseProblem, rewards: baseProblem.rewards.map((_, a) => (a === label ? 1 : 0)) };
  const params = tinyParameters(problem.shape, 3 + problem.shape.convLayers);

  it(`HNCA's and REINFORCE's means over ${UPDATES} updates of ${BATCH} examples is within 4.5 standard errors of the exact gradient`, async () => {
    const exact = finiteDifferenceGradient(problem, params);
    const data = imageDataset(problem, label);
    const { shape } = problem;
    const config: ConvBanditConfig = {
      task: 'conv-bandit',
      convLayers: shape.convLayers as ConvBanditConfig['convLayers'],
      channels: shape.channels,
      width: shape.width,
      hiddenValues: 'pm1',
      estimators: ['hnca', 'reinforce'],
      seeds: [5],
      batch: BATCH,
      ...PAPER_OPTIMIZER,
      optimizer: 'sgd',
      lr: 1e-30,
    };
    const engine = await createGpuConvBanditEngine({ config, data }, { device: await testDevice(), gpu: await nodeGpu(), shaders: SHADERS });
    try {
      // every run starts from the enumeration's parameters
      const state = await engine.exportState();
      for (const run of state.runs) run.tensors.forEach((t, k) => t.value.set(params.tensors[k].value));
      await engine.importState(state, 'the enumeration parameters');
      const n = params.parameterCount;
      const runs = engine.runs.length;
      const sum = engine.runs.map(() => new Float64Array(n));
      const sumSq = engine.runs.map(() => new Float64Array(n));
      for (let t = 0; t < UPDATES; t++) {
        await engine.step(1);
        const grads = new Float32Array(await engine.program.debugRead('grads'));
        for (let r = 0; r < runs; r++) {
          for (let e = 0; e < n; e++) {
            const g = grads[r * n + e];
            sum[r][e] += g;
            sumSq[r][e] += g * g;
          }
        }
      }
      const start = flat(params);
      for (const spec of engine.runs) {
        // the parameters did not move: every update sampled the same distribution
        expect(flat(await engine.program.readParameters(spec.index))).toEqual(start);
        const mean = sum[spec.index].map((s) => s / UPDATES);
        // the batch means are independent: their spread gives the standard error of the overall mean
        const se = mean.map((m, e) => Math.sqrt(Math.max(sumSq[spec.index][e] / UPDATES - m * m, 0) / (UPDATES - 1)));
        let worst = 0;
        for (let e = 0; e < n; e++) {
          expect(Math.abs(mean[e] - exact[e]), `${spec.estimator}: parameter ${e}`).toBeLessThanOrEqual(4.5 * se[e] + 1e-6);
          if (se[e] > 0) worst = Math.max(worst, Math.abs(mean[e] - exact[e]) / se[e]);
        }
        // the test can fail: the estimates vary, and many parameters' exact gradients are
        // resolved (more than 4.5 standard errors from 0: an estimator returning 0 fails there)
        expect(Math.max(...se)).toBeGreaterThan(1e-4);
        const resolved = exact.filter((g, e) => Math.abs(g) > 4.5 * se[e] + 1e-6).length;
        expect(resolved, `${spec.estimator}: parameters whose gradient is resolved from 0`).toBeGreaterThan(n / 8);
        console.log(`[gpu unbiased ${shape.convLayers} conv] ${spec.estimator}: worst |mean − exact| = ${worst.toFixed(2)} standard errors over ${n} parameters; ${resolved} resolved from 0`);
      }
      expect(Math.max(...exact.map(Math.abs))).toBeGreaterThan(1e-3);
    } finally {
      engine.dispose();
    }
  }, 300_000);
});
