// The GPU benchmark's JAX peer (bench/peer/jax/bandit.py) computes the same update as our engine.
// Its functions run here on numpy (JAX exists only on the GPU machine; the same functions run
// there on jax.numpy under jit and vmap, checked by bench/peer/jax/selfcheck.py):
// - given the CPU engine's parameters, batch and uniforms it draws the same samples and actions
//   and returns the same batch-mean gradients (float32 tolerance);
// - drawing its own uniforms (numpy's RNG), its mean gradient estimate on a tiny network is the
//   exact expected gradient by enumeration (docs/math.md §5) within 4.5 standard errors.
// Needs python3 with numpy (CI installs Debian's python3-numpy); without them it fails, never skips.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocSparseRows, type SparseBinaryRows } from '../src/data/minibatch.ts';
import { BanditRun } from '../src/models/bandit/banditRun.ts';
import { forwardKeys } from '../src/models/bandit/forward.ts';
import { Stream } from '../src/rng/streams.ts';
import { BANDIT_ESTIMATORS, type BanditEstimator, type HiddenValues } from '../src/engine/types.ts';
import { peerBatch } from '../bench/peer/peerBatch.ts';
import { finiteDifferenceGradient, flatten, tinyParameters, tinyShape, type TinyProblem } from './helpers/tinyBandit.ts';

const PEER = path.join(import.meta.dirname, '..', 'bench', 'peer', 'jax', 'fairness.py');

interface SameDrawsResult {
  grads: number[][];
  samples: number[][];
  actions: number[];
}
interface SampledResult {
  mean: number[];
  se: number[];
}

/** Runs the peer on `cases`; throws with python's stderr when python3 or numpy is missing or it fails. */
function runPeer(cases: object[]): (SameDrawsResult | SampledResult)[] {
  const done = spawnSync('python3', [PEER], { input: JSON.stringify({ cases }), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (done.error) throw new Error(`python3 could not be started (${done.error.message}): the JAX peer's fairness test needs python3 with numpy`);
  if (done.status !== 0) throw new Error(`bench/peer/jax/fairness.py exited ${done.status}: ${done.stderr.trim()}`);
  return (JSON.parse(done.stdout) as { results: (SameDrawsResult | SampledResult)[] }).results;
}

/** max |a − b| / max |b| */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

const INPUTS = 12;
const ACTIONS = 4;
const BATCH = 8;

function rowsOf(batch: number): SparseBinaryRows {
  const rows = allocSparseRows(batch, INPUTS);
  let k = 0;
  for (let b = 0; b < batch; b++) {
    rows.onStart[b] = k;
    for (let j = 0; j < INPUTS; j++) if ((j * 7 + b * 3) % 5 < 2) rows.onIndex[k++] = j;
  }
  rows.onStart[batch] = k;
  rows.count = batch;
  return rows;
}

interface DrawCase {
  widths: number[];
  estimator: BanditEstimator;
  values: HiddenValues;
  scale: number;
}
const drawCases: DrawCase[] = [];
for (const widths of [[8], [8, 6]]) for (const estimator of BANDIT_ESTIMATORS) drawCases.push({ widths, estimator, values: 'pm1', scale: 1 });
drawCases.push({ widths: [8, 6], estimator: 'hnca', values: '01', scale: 1 });
// large weights: children's probabilities hit the 1e-5 clip under flips
drawCases.push({ widths: [8, 6, 5], estimator: 'hnca', values: 'pm1', scale: 6 });

describe('JAX peer on numpy: the same draws give the same samples and gradients as the CPU engine', () => {
  const prepared = drawCases.map(({ widths, estimator, values, scale }) => {
    const shape = tinyShape(widths, INPUTS, ACTIONS, values);
    const params = tinyParameters(shape, 5, scale);
    const rows = rowsOf(BATCH);
    const keys = forwardKeys(3, 7, Stream.hiddenBase, Stream.action, widths.length);
    const run = new BanditRun(params, estimator, BATCH);
    run.estimateForward(rows, keys);
    // labels: the sampled action for half of the examples, so rewards are 1 and 0
    const labels = Array.from({ length: BATCH }, (_, b) => (b % 2 === 0 ? run.scratch.action[b] : (run.scratch.action[b] + 1) % ACTIONS));
    const bbar = 0.3;
    run.estimateGradients(rows, keys, { labels }, bbar);
    const batch = peerBatch(rows, labels, keys, shape.sizes);
    const peerCase = {
      kind: 'same-draws',
      sizes: shape.sizes,
      estimator,
      values,
      params: Array.from(flatten(params)),
      batch: BATCH,
      pixels: Array.from(batch.pixels),
      labels,
      hiddenUniforms: batch.hiddenUniforms.map((u) => Array.from(u)),
      actionUniforms: Array.from(batch.actionUniforms),
      bbar,
    };
    return { widths, run, params, peerCase };
  });
  const results = runPeer(prepared.map((p) => p.peerCase)) as SameDrawsResult[];

  it.each(drawCases.map((c, i) => ({ ...c, i })))('$estimator, hidden $widths, $values values, weight scale $scale', ({ i }) => {
    const { widths, run, params } = prepared[i];
    const got = results[i];
    for (let l = 0; l < widths.length; l++) expect(got.samples[l]).toEqual(Array.from(run.scratch.sample[l].subarray(0, BATCH * widths[l])));
    expect(got.actions).toEqual(Array.from(run.scratch.action.subarray(0, BATCH)));
    const ours = params.tensors.map((t) => t.grad);
    expect(got.grads.length).toBe(ours.length);
    ours.forEach((g, k) => {
      expect(Math.max(...Array.from(g, Math.abs)), `tensor ${k} has a nonzero gradient`).toBeGreaterThan(1e-6);
      expect(relativeError(got.grads[k], g), `tensor ${k}`).toBeLessThan(1e-4);
    });
  });
});

describe('JAX peer on numpy: unbiased by enumeration (sampled mean within 4.5 standard errors)', () => {
  const depths: { widths: number[]; actions: number }[] = [
    { widths: [3], actions: 3 },
    { widths: [3, 2], actions: 2 },
  ];
  const cases: { widths: number[]; values: HiddenValues; estimator: BanditEstimator; problem: TinyProblem; exact: Float64Array; flat: number[] }[] = [];
  for (const { widths, actions } of depths) {
    for (const values of ['pm1', '01'] as HiddenValues[]) {
      const problem: TinyProblem = { shape: tinyShape(widths, 3, actions, values), x: [1, 0, 1], rewards: actions === 3 ? [1, 0.2, -0.5] : [0.3, 1] };
      const params = tinyParameters(problem.shape, 11 + widths.length, 1.5);
      const exact = finiteDifferenceGradient(problem.shape, params, problem);
      for (const estimator of BANDIT_ESTIMATORS) cases.push({ widths, values, estimator, problem, exact, flat: Array.from(flatten(params)) });
    }
  }
  const results = runPeer(
    cases.map((c, i) => ({ kind: 'sampled', sizes: c.problem.shape.sizes, estimator: c.estimator, values: c.values, params: c.flat, x: c.problem.x, rewards: c.problem.rewards, bbar: 0.4, batch: 500, batches: 40, seed: 100 + i })),
  ) as SampledResult[];

  it.each(cases.map((c, i) => ({ widths: c.widths, values: c.values, estimator: c.estimator, i })))('$estimator, hidden $widths, $values values', ({ i }) => {
    const { exact } = cases[i];
    const { mean, se } = results[i];
    expect(mean.length).toBe(exact.length);
    expect(Math.max(...Array.from(exact, Math.abs))).toBeGreaterThan(1e-3);
    for (let e = 0; e < exact.length; e++) expect(Math.abs(mean[e] - exact[e]), `parameter ${e}`).toBeLessThanOrEqual(4.5 * se[e] + 1e-6);
  });
});
