// Feeding the peer what our engines see: the same minibatch stream, binarization and
// counter-based uniforms (so the peer draws the same samples), and a driver that advances
// several independent runs one after another, as a TensorFlow.js user would.
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../src/data/dataset.ts';
import { allocSparseRows, binarizeRows, MinibatchStream, trainBinarizeKey, type SparseBinaryRows } from '../../src/data/minibatch.ts';
import { forwardKeys } from '../../src/models/bandit/forward.ts';
import { banditShape, initBanditParameters } from '../../src/models/bandit/parameters.ts';
import { Stream } from '../../src/rng/streams.ts';
import type { BanditConfig, BanditEstimator } from '../../src/engine/types.ts';
import { TfjsBanditPeer, type PeerBatch, type PeerInit } from './tfjsBandit.ts';

/** Something that gives uniforms the way UniformSource does (ForwardKeys in training). */
export interface UniformDraws {
  hidden(layer: number, example: number, unit: number, width: number): number;
  action(example: number, probs: Float64Array, base: number): number;
}

const NO_PROBS = new Float64Array(0);

/** Dense 0/1 pixels, labels and every uniform of one update, for `sizes` = [inputs, …, actions]. */
export function peerBatch(rows: SparseBinaryRows, labels: ArrayLike<number>, draws: UniformDraws, sizes: number[]): PeerBatch {
  const B = rows.count;
  const inputs = sizes[0];
  const pixels = new Float32Array(B * inputs);
  for (let b = 0; b < B; b++) {
    for (let k = rows.onStart[b]; k < rows.onStart[b + 1]; k++) pixels[b * inputs + rows.onIndex[k]] = 1;
  }
  const hiddenUniforms: Float32Array[] = [];
  for (let l = 1; l + 1 < sizes.length; l++) {
    const width = sizes[l];
    const u = new Float32Array(B * width);
    for (let b = 0; b < B; b++) for (let i = 0; i < width; i++) u[b * width + i] = draws.hidden(l - 1, b, i, width);
    hiddenUniforms.push(u);
  }
  const actionUniforms = new Float32Array(B);
  for (let b = 0; b < B; b++) actionUniforms[b] = draws.action(b, NO_PROBS, 0);
  return { batch: B, pixels, labels: Int32Array.from(labels), hiddenUniforms, actionUniforms };
}

export function peerInit(sizes: number[], hiddenValues: BanditConfig['hiddenValues'], seed: number): PeerInit {
  const params = initBanditParameters({ sizes, hiddenValues }, seed);
  return { weights: params.weights.map((w) => w.value), biases: params.biases.map((b) => b.value) };
}

interface PeerRun {
  seed: number;
  peer: TfjsBanditPeer;
  stream: MinibatchStream;
  rows: SparseBinaryRows;
  labels: Uint8Array;
}

/** Runs `estimator` × `seeds` of `config` on the peer, one run after another per step. */
export class PeerRuns {
  readonly sizes: number[];
  private readonly runs: PeerRun[] = [];
  private updates = 0;
  constructor(
    readonly config: BanditConfig,
    private readonly data: Dataset,
  ) {
    this.sizes = banditShape(data.pixels, config.hidden, config.width, data.classes, config.hiddenValues).sizes;
    for (const seed of config.seeds) {
      for (const estimator of config.estimators) this.runs.push(this.makeRun(seed, estimator));
    }
  }

  private makeRun(seed: number, estimator: BanditEstimator): PeerRun {
    const { config, data } = this;
    return {
      seed,
      peer: new TfjsBanditPeer(this.sizes, estimator, config.hiddenValues, config, peerInit(this.sizes, config.hiddenValues, seed)),
      stream: new MinibatchStream(seed, data.train.count),
      rows: allocSparseRows(config.batch, data.pixels),
      labels: new Uint8Array(config.batch),
    };
  }

  get runCount(): number {
    return this.runs.length;
  }

  /** Advances every run by n updates (queues the work; call sync() to wait for it). */
  step(n: number): void {
    const { config, data } = this;
    for (let u = 0; u < n; u++) {
      for (const r of this.runs) {
        const { indices, epoch } = r.stream.next(config.batch);
        binarizeRows(data.train, data.pixels, indices, trainBinarizeKey(r.seed, epoch), r.rows);
        for (let b = 0; b < indices.length; b++) r.labels[b] = data.train.labels[indices[b]];
        const keys = forwardKeys(r.seed, this.updates, Stream.hiddenBase, Stream.action, config.hidden);
        r.peer.update(peerBatch(r.rows, r.labels, keys, this.sizes));
      }
      this.updates += 1;
    }
  }

  /**
   * Waits until every update queued so far has run (reads each run's reward counter). The
   * counters are cloned first: the next update may replace them while the read is pending.
   */
  async sync(): Promise<number> {
    const snapshots = this.runs.map((r) => tf.clone(r.peer.rewardSum));
    let total = 0;
    for (const s of snapshots) {
      total += (await s.data())[0];
      s.dispose();
    }
    return total;
  }

  dispose(): void {
    for (const r of this.runs) r.peer.dispose();
  }
}
