// The peer: the same contextual-bandit update (docs/math.md §2: HNCA or REINFORCE, ±1 or 0/1
// hidden values, softmax output, Adam ascent) written the way a capable TensorFlow.js user
// would write it — dense matMul logits, the counterfactual messages as batched broadcasts
// [B, parents, children], gradients as matMul(inputs^T, signals), tf.train.adam.
// It takes the binarized batch and the uniforms from outside, so on the same inputs it draws
// exactly the samples our engines draw (tests/peer-fairness.test.ts checks the gradients).
import * as tf from '@tensorflow/tfjs-core';
import { PROB_MAX, PROB_MIN } from '../../src/models/units/bernoulli.ts';
import type { BanditEstimator, HiddenValues, OptimizerConfig } from '../../src/engine/types.ts';

/** One minibatch with every random number of the update already drawn. */
export interface PeerBatch {
  batch: number;
  /** batch × inputs, 0/1 */
  pixels: Float32Array;
  labels: Int32Array;
  /** per hidden layer, batch × width uniforms: φ = [u < p] */
  hiddenUniforms: Float32Array[];
  /** per example, the uniform that picks the action from the softmax's cumulative sums */
  actionUniforms: Float32Array;
}

/** Initial values, input-major W[j·out + i] like BanditParameters. */
export interface PeerInit {
  weights: Float32Array[];
  biases: Float32Array[];
}

/** Tensors of one forward pass (x[k] is layer k's input: pixels, then hidden values). */
export type PeerForward = {
  x: tf.Tensor2D[];
  logits: tf.Tensor2D[];
  probs: tf.Tensor2D[];
  samples: tf.Tensor2D[];
  outLogits: tf.Tensor2D;
  outProbs: tf.Tensor2D;
  action: tf.Tensor1D;
  oneHot: tf.Tensor2D;
  reward: tf.Tensor1D;
  /** learning signal R = r − bbar, [B, 1] */
  signal: tf.Tensor2D;
};

const LOG_MIN = Math.log(PROB_MIN);
const LOG_MAX = Math.log(PROB_MAX);

/** log clip(sigmoid(v), 1e-5, 1 − 1e-5) */
function clippedLogSigmoid(v: tf.Tensor): tf.Tensor {
  return tf.clipByValue(tf.logSigmoid(v), LOG_MIN, LOG_MAX);
}

export class TfjsBanditPeer {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];
  readonly hnca: boolean;
  readonly useBaseline: boolean;
  readonly centered: boolean;
  private readonly baseline = tf.variable(tf.scalar(0), false);
  /** sum of rewards since creation (the counter our engines keep; also a sync point) */
  readonly rewardSum = tf.variable(tf.scalar(0), false);
  private readonly optimizer: tf.Optimizer;

  constructor(
    readonly sizes: number[],
    estimator: BanditEstimator,
    hiddenValues: HiddenValues,
    opt: OptimizerConfig,
    init: PeerInit,
  ) {
    this.hnca = estimator.startsWith('hnca');
    this.useBaseline = estimator.endsWith('-baseline');
    this.centered = hiddenValues === 'pm1';
    for (let k = 0; k + 1 < sizes.length; k++) {
      this.weights.push(tf.variable(tf.tensor2d(init.weights[k], [sizes[k], sizes[k + 1]])));
      this.biases.push(tf.variable(tf.tensor1d(init.biases[k])));
    }
    this.optimizer = opt.optimizer === 'adam' ? tf.train.adam(opt.lr, opt.beta1, opt.beta2, opt.eps) : tf.train.sgd(opt.lr);
  }

  get hiddenLayers(): number {
    return this.sizes.length - 2;
  }

  /** Stochastic forward pass, actions and rewards. Call inside tf.tidy. */
  forward(b: PeerBatch, baseline?: number): PeerForward {
    const { sizes } = this;
    const B = b.batch;
    const actions = sizes[sizes.length - 1];
    const x: tf.Tensor2D[] = [tf.tensor2d(b.pixels, [B, sizes[0]])];
    const logits: tf.Tensor2D[] = [];
    const probs: tf.Tensor2D[] = [];
    const samples: tf.Tensor2D[] = [];
    for (let l = 0; l < this.hiddenLayers; l++) {
      const u = tf.add(tf.matMul(x[l], this.weights[l]), this.biases[l]) as tf.Tensor2D;
      const p = tf.clipByValue(tf.sigmoid(u), PROB_MIN, PROB_MAX);
      const phi: tf.Tensor2D = tf.cast(tf.less(tf.tensor2d(b.hiddenUniforms[l], [B, sizes[l + 1]]), p), 'float32');
      logits.push(u);
      probs.push(p);
      samples.push(phi);
      x.push(this.centered ? tf.sub<tf.Tensor2D>(tf.mul(phi, 2), 1) : phi);
    }
    const L = this.hiddenLayers;
    const outLogits = tf.add(tf.matMul(x[L], this.weights[L]), this.biases[L]) as tf.Tensor2D;
    const outProbs = tf.softmax(outLogits);
    // a = the first k whose cumulative probability exceeds u = the number of sums ≤ u
    const below = tf.lessEqual(tf.cumsum(outProbs, 1), tf.tensor2d(b.actionUniforms, [B, 1]));
    const action = tf.minimum(tf.sum(tf.cast(below, 'int32'), 1), tf.scalar(actions - 1, 'int32')) as tf.Tensor1D;
    const oneHot = tf.cast(tf.oneHot(action, actions), 'float32') as tf.Tensor2D;
    const reward = tf.cast(tf.equal(action, tf.tensor1d(b.labels, 'int32')), 'float32') as tf.Tensor1D;
    const bbar = baseline !== undefined ? tf.scalar(baseline) : this.baseline;
    const r = this.useBaseline ? tf.sub(reward, bbar) : reward;
    return { x, logits, probs, samples, outLogits, outProbs, action, oneHot, reward, signal: tf.reshape(r, [B, 1]) };
  }

  /**
   * HNCA credit rho(1) − rho(0) of every hidden layer, [B, width]. Forcing parent j to its
   * other value shifts each child's logit by Δ_j·W[j,:] with Δ = −2h (±1) or 1 − 2φ (0/1).
   */
  credit(f: PeerForward): tf.Tensor2D[] {
    const out: tf.Tensor2D[] = [];
    const L = this.hiddenLayers;
    for (let l = 0; l < L; l++) {
      const phi = f.samples[l];
      const delta = this.centered ? tf.mul(f.x[l + 1], -2) : tf.sub(1, tf.mul(phi, 2));
      const shift = tf.mul(tf.expandDims(delta, 2), tf.expandDims(this.weights[l + 1], 0)); // [B, P, C]
      let change: tf.Tensor; // log(children's probability with j flipped) − log(actual), [B, P]
      if (l === L - 1) {
        const flipped = tf.add(tf.expandDims(f.outLogits, 1), shift);
        const picked = tf.expandDims(f.oneHot, 1);
        const logFlipped = tf.sum(tf.mul(tf.logSoftmax(flipped), picked), 2);
        const logActual = tf.sum(tf.mul(tf.logSoftmax(f.outLogits), f.oneHot), 1, true);
        change = tf.sub(logFlipped, logActual);
      } else {
        const sign = tf.expandDims(tf.sub(tf.mul(f.samples[l + 1], 2), 1), 1); // s_c, [B, 1, C]
        const u = tf.expandDims(f.logits[l + 1], 1);
        const perChild = tf.sub(clippedLogSigmoid(tf.mul(sign, tf.add(u, shift))), clippedLogSigmoid(tf.mul(sign, u)));
        change = tf.sum(perChild, 2);
      }
      // D = log Q0 − log Q1: the flipped value is 0 when φ = 1
      const d = tf.mul(change, tf.sub(tf.mul(phi, 2), 1));
      const p = f.probs[l];
      const e = tf.exp(tf.neg(tf.abs(d)));
      const whenPositive = tf.div(tf.sub(e, 1), tf.add(tf.mul(p, e), tf.sub(1, p)));
      const otherwise = tf.div(tf.sub(1, e), tf.add(p, tf.mul(tf.sub(1, p), e)));
      out.push(tf.where(tf.greater(d, 0), whenPositive, otherwise) as tf.Tensor2D);
    }
    return out;
  }

  /** Batch-mean ascent gradients [gW0, gb0, gW1, gb1, …] (W input-major). Call inside tf.tidy. */
  gradients(f: PeerForward, credit: tf.Tensor2D[] | null): tf.Tensor[] {
    const B = f.x[0].shape[0];
    const signals: tf.Tensor2D[] = [];
    for (let l = 0; l < this.hiddenLayers; l++) {
      const p = f.probs[l];
      const local = credit ? tf.mul(tf.mul(p, tf.sub(1, p)), credit[l]) : tf.sub(f.samples[l], p);
      signals.push(tf.mul(f.signal, local));
    }
    signals.push(tf.mul(f.signal, tf.sub(f.oneHot, f.outProbs)));
    const grads: tf.Tensor[] = [];
    signals.forEach((s, k) => {
      // x^T S written as (S^T x)^T: on tfjs-wasm matMul(x, s, transposeA) misses the fast
      // (XNNPACK) path and is 13–19× slower for [784, 50] × [50, 200]
      grads.push(tf.div(tf.transpose(tf.matMul(tf.transpose(s), f.x[k])), B));
      grads.push(tf.mean(s, 0));
    });
    return grads;
  }

  /** Gradients of one batch as arrays (tests), with the samples and actions that produced them. */
  estimate(b: PeerBatch, baseline?: number): { grads: Float32Array[]; samples: Float32Array[]; actions: Int32Array } {
    return tf.tidy(() => {
      const f = this.forward(b, baseline);
      const grads = this.gradients(f, this.hnca ? this.credit(f) : null);
      return {
        grads: grads.map((g) => g.dataSync() as Float32Array),
        samples: f.samples.map((s) => s.dataSync() as Float32Array),
        actions: f.action.dataSync() as Int32Array,
      };
    });
  }

  /** One full update: gradients, Adam ascent step, baseline, reward counter. Nothing is read back. */
  update(b: PeerBatch): void {
    const named = tf.tidy(() => {
      const f = this.forward(b);
      const grads = this.gradients(f, this.hnca ? this.credit(f) : null);
      this.rewardSum.assign(tf.add(this.rewardSum, tf.sum(f.reward)));
      if (this.useBaseline) this.baseline.assign(tf.add(tf.mul(this.baseline, 0.99), tf.mul(tf.mean(f.reward), 0.01)));
      return grads.map((g) => tf.neg(g)); // the optimizer minimises
    });
    const vars = this.weights.flatMap((w, k) => [w, this.biases[k]]);
    this.optimizer.applyGradients(vars.map((v, k) => ({ name: v.name, tensor: named[k] })));
    tf.dispose(named);
  }

  dispose(): void {
    tf.dispose([...this.weights, ...this.biases, this.baseline, this.rewardSum]);
    this.optimizer.dispose();
  }
}
