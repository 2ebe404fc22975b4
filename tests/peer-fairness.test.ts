// The benchmark's TensorFlow.js peer (bench/peer/tfjsBandit.ts) computes the same update as
// our CPU engine: given the same binarized batch and the same uniforms it draws the same
// samples and actions and returns the same batch-mean gradients (float32 tolerance).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { allocSparseRows, type SparseBinaryRows } from '../src/data/minibatch.ts';
import { BanditRun } from '../src/models/bandit/banditRun.ts';
import { forwardKeys } from '../src/models/bandit/forward.ts';
import { Stream } from '../src/rng/streams.ts';
import { PAPER_OPTIMIZER, type BanditEstimator, type HiddenValues } from '../src/engine/types.ts';
import { useTfjsBackend, type PeerBackend } from '../bench/peer/backends.ts';
import { peerBatch } from '../bench/peer/peerBatch.ts';
import { TfjsBanditPeer } from '../bench/peer/tfjsBandit.ts';
import { tinyParameters, tinyShape } from './helpers/tinyBandit.ts';

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

interface Case {
  widths: number[];
  estimator: BanditEstimator;
  values: HiddenValues;
  scale: number;
}

const cases: Case[] = [];
for (const widths of [[8], [8, 6]]) {
  for (const estimator of ['hnca', 'reinforce', 'hnca-baseline', 'reinforce-baseline'] as BanditEstimator[]) cases.push({ widths, estimator, values: 'pm1', scale: 1 });
}
cases.push({ widths: [8, 6], estimator: 'hnca', values: '01', scale: 1 });
// large weights: children's probabilities hit the 1e-5 clip under flips
cases.push({ widths: [8, 6], estimator: 'hnca', values: 'pm1', scale: 6 });

describe.each<PeerBackend>(['cpu', 'wasm'])('tfjs peer on the %s backend', (backend) => {
  it.each(cases)('$estimator, hidden $widths, $values values, weight scale $scale: same samples, same gradients', async ({ widths, estimator, values, scale }) => {
    await useTfjsBackend(backend);
    const shape = tinyShape(widths, INPUTS, ACTIONS, values);
    const params = tinyParameters(shape, 5, scale);
    const rows = rowsOf(BATCH);
    const keys = forwardKeys(3, 7, Stream.hiddenBase, Stream.action, widths.length);
    const run = new BanditRun(params, estimator, BATCH);
    // labels: the sampled action for half of the examples, so rewards are 1 and 0
    run.estimateForward(rows, keys);
    const labels = Array.from({ length: BATCH }, (_, b) => (b % 2 === 0 ? run.scratch.action[b] : (run.scratch.action[b] + 1) % ACTIONS));
    const baseline = 0.3;
    run.estimateGradients(rows, keys, { labels }, baseline);

    const peer = new TfjsBanditPeer(shape.sizes, estimator, values, PAPER_OPTIMIZER, {
      weights: params.weights.map((w) => w.value),
      biases: params.biases.map((b) => b.value),
    });
    const before = tf.memory().numTensors;
    const got = peer.estimate(peerBatch(rows, labels, keys, shape.sizes), baseline);
    expect(tf.memory().numTensors).toBe(before);
    peer.dispose();

    for (let l = 0; l < widths.length; l++) {
      expect(Array.from(got.samples[l])).toEqual(Array.from(run.scratch.sample[l].subarray(0, BATCH * widths[l])));
    }
    expect(Array.from(got.actions)).toEqual(Array.from(run.scratch.action.subarray(0, BATCH)));
    const ours = params.tensors.map((t) => t.grad);
    expect(got.grads.length).toBe(ours.length);
    ours.forEach((g, k) => {
      expect(Math.max(...Array.from(g, Math.abs)), `tensor ${k} has a nonzero gradient`).toBeGreaterThan(1e-6);
      expect(relativeError(got.grads[k], g), `tensor ${k}`).toBeLessThan(1e-4);
    });
  });
});
