// Where an update's time goes: forward, HNCA messages, gradients (signals and products), Adam,
// timed phase by phase for our CPU engine's BanditRun and for the tfjs peer (wasm backend:
// its kernels run synchronously, so wall-clock time between calls is the work of a phase).
// Both forward phases include drawing the hidden uniforms; neither includes binarization.
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../src/data/dataset.ts';
import { allocSparseRows, binarizeRows, MinibatchStream, trainBinarizeKey } from '../../src/data/minibatch.ts';
import { ascentStep } from '../../src/engine/optimizer.ts';
import { PAPER_OPTIMIZER, type BanditEstimator } from '../../src/engine/types.ts';
import { BanditRun } from '../../src/models/bandit/banditRun.ts';
import { forwardBatch, forwardKeys } from '../../src/models/bandit/forward.ts';
import { accumulateGradients, hncaSignals, outputSignals, reinforceSignals } from '../../src/models/bandit/gradients.ts';
import { BanditParameters, banditShape, initBanditParameters } from '../../src/models/bandit/parameters.ts';
import { CountingAllocator } from '../../src/simd/arrays.ts';
import { kernelArena } from '../../src/simd/wasmKernels.ts';
import { Stream } from '../../src/rng/streams.ts';
import { median } from './compare.ts';
import { peerBatch, peerInit } from './peerBatch.ts';
import { TfjsBanditPeer } from './tfjsBandit.ts';

/** Median ms per update of each phase (robust to the other processes on a shared machine). */
export interface PhaseTimes {
  forward: number;
  messages: number;
  gradients: number;
  adam: number;
  /** updates timed */
  updates: number;
}

class PhaseSamples {
  readonly forward: number[] = [];
  readonly messages: number[] = [];
  readonly gradients: number[] = [];
  readonly adam: number[] = [];
  add(t0: number, t1: number, t2: number, t3: number, t4: number): void {
    this.forward.push(t1 - t0);
    this.messages.push(t2 - t1);
    this.gradients.push(t3 - t2);
    this.adam.push(t4 - t3);
  }
  medians(): PhaseTimes {
    return { forward: median(this.forward), messages: median(this.messages), gradients: median(this.gradients), adam: median(this.adam), updates: this.forward.length };
  }
}

const now = () => performance.now();

function batches(data: Dataset, sizes: number[], count: number): { rows: ReturnType<typeof allocSparseRows>; labels: Uint8Array; step: number }[] {
  const stream = new MinibatchStream(0, data.train.count);
  return Array.from({ length: count }, (_, step) => {
    const rows = allocSparseRows(50, data.pixels);
    const { indices, epoch } = stream.next(50);
    binarizeRows(data.train, data.pixels, indices, trainBinarizeKey(0, epoch), rows);
    const labels = Uint8Array.from(indices, (i) => data.train.labels[i]);
    return { rows, labels, step };
  });
}

/** Mean ms per phase of our BanditRun (batch 50, width 200), over at least `seconds`. */
export function ourPhases(data: Dataset, hidden: number, estimator: BanditEstimator, seconds: number): PhaseTimes {
  const shape = banditShape(data.pixels, hidden, 200, data.classes, 'pm1');
  const { sizes } = shape;
  // the run's arrays in a WASM SIMD kernel arena, as the CPU engine allocates them (JS without SIMD)
  const counter = new CountingAllocator();
  new BanditRun(new BanditParameters(shape, counter), estimator, 50, counter);
  const arrays = kernelArena(counter.bytes);
  const params = initBanditParameters(shape, 0, arrays);
  const run = new BanditRun(params, estimator, 50, arrays);
  const s = run.scratch;
  const second = new Float64Array(params.layerCount);
  const sumSquares = new Float64Array(params.tensors.length);
  const pool = batches(data, sizes, 16);
  const t = new PhaseSamples();
  const start = now();
  for (let i = 0; now() - start < seconds * 1000 || i < 4; i++) {
    const { rows, labels, step } = pool[i % pool.length];
    const keys = forwardKeys(0, step, Stream.hiddenBase, Stream.action, hidden);
    const t0 = now();
    forwardBatch(params, rows, keys, s);
    for (let b = 0; b < 50; b++) {
      s.reward[b] = s.action[b] === labels[b] ? 1 : 0;
      s.learningSignal[b] = s.reward[b];
    }
    const t1 = now();
    if (run.hnca) run.computeCredit(50);
    const t2 = now();
    outputSignals(s, 50, sizes[sizes.length - 1]);
    for (let l = 0; l < hidden; l++) (run.hnca ? hncaSignals : reinforceSignals)(s, l, sizes[l + 1], 50);
    accumulateGradients(params, s, rows, second);
    const t3 = now();
    ascentStep(params.tensors, PAPER_OPTIMIZER, i + 1, sumSquares);
    const t4 = now();
    if (i >= 2) t.add(t0, t1, t2, t3, t4); // after warm-up
  }
  return t.medians();
}

/** The same phases of the tfjs peer on the active backend (wasm: synchronous kernels). */
export function peerPhases(data: Dataset, hidden: number, estimator: BanditEstimator, seconds: number): PhaseTimes {
  const sizes = banditShape(data.pixels, hidden, 200, data.classes, 'pm1').sizes;
  const peer = new TfjsBanditPeer(sizes, estimator, 'pm1', PAPER_OPTIMIZER, peerInit(sizes, 'pm1', 0));
  const optimizer = tf.train.adam(PAPER_OPTIMIZER.lr, PAPER_OPTIMIZER.beta1, PAPER_OPTIMIZER.beta2, PAPER_OPTIMIZER.eps);
  const vars = peer.weights.flatMap((w, k) => [w, peer.biases[k]]);
  const pool = batches(data, sizes, 16);
  const t = new PhaseSamples();
  const start = now();
  for (let i = 0; now() - start < seconds * 1000 || i < 4; i++) {
    const { rows, labels, step } = pool[i % pool.length];
    const t0 = now();
    // drawing the uniforms counts as forward work, as it does in our sampleLayer
    const batch = peerBatch(rows, labels, forwardKeys(0, step, Stream.hiddenBase, Stream.action, hidden), sizes);
    const f = tf.tidy(() => peer.forward(batch));
    f.reward.dataSync();
    const t1 = now();
    const credit = peer.hnca ? tf.tidy(() => peer.credit(f)) : null;
    credit?.[0].dataSync();
    const t2 = now();
    const grads = tf.tidy(() => peer.gradients(f, credit).map((g) => tf.neg(g)));
    grads[0].dataSync();
    const t3 = now();
    optimizer.applyGradients(vars.map((v, k) => ({ name: v.name, tensor: grads[k] })));
    vars[0].dataSync();
    const t4 = now();
    tf.dispose([f, credit ?? [], grads]);
    if (i >= 2) t.add(t0, t1, t2, t3, t4);
  }
  optimizer.dispose();
  peer.dispose();
  return t.medians();
}
