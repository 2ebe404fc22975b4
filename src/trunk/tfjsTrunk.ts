// The conv bandit's deterministic trunk (docs/math.md §7.2) on TensorFlow.js: 3×3 VALID
// convolutions with ReLU, then a linear layer to the Bernoulli logits. Ordinary deep learning,
// so the library does it; the bandit's math stays in src/models.
//
// The backward pass is spelled out with the library's ops instead of tf.grad: the Node build of
// @tensorflow/tfjs-core registers no gradient functions (they ship with the @tensorflow/tfjs
// bundle, which would add layers, converter, data and WebGL as dependencies), and the variance
// metric needs every example's own gradient anyway. Each filter gradient is a batched product
// of the input's 3×3 patches with the output's gradient, which gives the per-example gradients
// and their batch mean in one op; the input gradient is conv2dTranspose.
import * as tf from '@tensorflow/tfjs-core';
import type { ParameterTensor } from '../engine/optimizer.ts';
import { convOutputSize, featureCount, KERNEL, type ConvBanditShape } from '../models/convBandit/parameters.ts';
import type { Trunk, TrunkFactory, TrunkPass } from '../models/convBandit/trunk.ts';
import { linearLayerVariance, perExampleVariance } from './trunkVariance.ts';

/** The 3×3 patches of x [B, H, W, C] for a VALID convolution, [B, H'·W', 9·C] (index (dy·3 + dx)·C + c, as the filter's HWIO rows). */
function patches(x: tf.Tensor4D): tf.Tensor3D {
  const [batch, h, w, c] = x.shape;
  const oh = h - KERNEL + 1;
  const ow = w - KERNEL + 1;
  const parts: tf.Tensor4D[] = [];
  for (let dy = 0; dy < KERNEL; dy++) for (let dx = 0; dx < KERNEL; dx++) parts.push(tf.slice(x, [0, dy, dx, 0], [batch, oh, ow, c]));
  return tf.reshape(tf.concat(parts, 3), [batch, oh * ow, KERNEL * KERNEL * c]);
}

/**
 * out[j·rows + i] = m[i·cols + j]: the transpose of m [rows, cols] (blocked for the cache).
 * tfjs's matMul with a transposed operand is many times slower on its WASM back end than a
 * product of plain operands, so the backward pass transposes its operands here or with tf.transpose.
 */
function transposeInto(m: ArrayLike<number>, rows: number, cols: number, out: Float32Array | Float64Array): void {
  const block = 64;
  for (let j0 = 0; j0 < cols; j0 += block) {
    const j1 = Math.min(j0 + block, cols);
    for (let i = 0; i < rows; i++) for (let j = j0; j < j1; j++) out[j * rows + i] = m[i * cols + j];
  }
}

class TfjsTrunk implements Trunk {
  /** the linear layer's weights transposed, [width, features] (the backward pass's operand) */
  private readonly weightsT: Float32Array;

  constructor(
    private readonly shape: ConvBanditShape,
    private readonly tensors: readonly ParameterTensor[],
  ) {
    if (tensors.length !== 2 * shape.convLayers + 2) throw new RangeError(`the trunk takes ${2 * shape.convLayers + 2} tensors, got ${tensors.length}`);
    this.weightsT = new Float32Array(featureCount(shape) * shape.width);
  }

  forward(pixels: Float32Array, batch: number): TrunkPass {
    const { shape, tensors } = this;
    const pixelCount = shape.rows * shape.cols;
    if (pixels.length < batch * pixelCount) throw new RangeError(`the trunk needs ${batch * pixelCount} pixel values, got ${pixels.length}`);
    const features = featureCount(shape);
    // every tensor made here is kept in `held` until dispose()
    const held: tf.Tensor[] = [];
    const keep = <T extends tf.Tensor>(t: T): T => {
      held.push(t);
      return t;
    };
    const filters: tf.Tensor4D[] = [];
    // inputs[l]: convolution l's input; preActivations[l]: its output before ReLU
    const inputs: tf.Tensor4D[] = [keep(tf.tensor4d(pixels.subarray(0, batch * pixelCount), [batch, shape.rows, shape.cols, 1]))];
    const preActivations: tf.Tensor4D[] = [];
    for (let l = 0; l < shape.convLayers; l++) {
      const inChannels = l === 0 ? 1 : shape.channels;
      const filter = keep(tf.tensor4d(tensors[2 * l].value, [KERNEL, KERNEL, inChannels, shape.channels]));
      filters.push(filter);
      const bias = tensors[2 * l + 1].value;
      const pre = keep(tf.tidy(() => tf.add<tf.Tensor4D>(tf.conv2d(inputs[l], filter, 1, 'valid'), tf.tensor1d(bias))));
      preActivations.push(pre);
      inputs.push(keep(tf.relu(pre)));
    }
    const flat = keep(tf.reshape(inputs[shape.convLayers], [batch, features]));
    const w = keep(tf.tensor2d(tensors[2 * shape.convLayers].value, [features, shape.width]));
    const logits = tf.tidy(() => tf.add(tf.matMul(flat, w), tf.tensor1d(tensors[2 * shape.convLayers + 1].value)));
    const values = logits.dataSync() as Float32Array;
    logits.dispose();
    let disposed = false;
    return {
      logits: values,
      backwardMean: (signal: Float64Array): void => {
        if (disposed) throw new Error('the trunk pass was disposed');
        if (signal.length !== batch * shape.width) throw new RangeError(`backward needs ${batch * shape.width} signals, got ${signal.length}`);
        transposeInto(tensors[2 * shape.convLayers].value, features, shape.width, this.weightsT);
        this.meanGradients(signal, batch, flat, inputs, preActivations, filters);
      },
      backward: (signal: Float64Array): Float64Array => {
        if (disposed) throw new Error('the trunk pass was disposed');
        if (signal.length !== batch * shape.width) throw new RangeError(`backward needs ${batch * shape.width} signals, got ${signal.length}`);
        const variance = new Float64Array(shape.convLayers + 1);
        transposeInto(tensors[2 * shape.convLayers].value, features, shape.width, this.weightsT);
        const grads = tf.tidy(() => {
          const dU = tf.tensor2d(Float32Array.from(signal), [batch, shape.width]);
          const out: tf.Tensor[] = [];
          // g_W transposed, [width, features]
          const gradWT = tf.div(tf.matMul(tf.transpose(dU), flat), batch);
          const gradB = tf.mean(dU, 0);
          // linear layer: g_b = f̃_b s_bᵀ, never formed; its variance by shifted sums (docs/math.md §4)
          const denseVariance = linearLayerVariance(flat, dU, gradWT, gradB, true);
          // back through the convolutions: dA is the gradient of convolution l's pre-activation
          const wT = tf.tensor2d(this.weightsT, [shape.width, features]);
          let dA: tf.Tensor4D = tf.mul<tf.Tensor4D>(tf.reshape(tf.matMul(dU, wT), preActivations[shape.convLayers - 1].shape), tf.step(preActivations[shape.convLayers - 1]));
          const convGrads: tf.Tensor[] = [];
          const convVariance: tf.Tensor[] = [];
          for (let l = shape.convLayers - 1; l >= 0; l--) {
            const { rows, cols } = convOutputSize(shape, l);
            const dA3 = tf.reshape(dA, [batch, rows * cols, shape.channels]);
            // per example: filter gradient, transposed [B, C, 9·inC], and bias gradient [B, C]
            const filterPerExample = tf.matMul(tf.transpose(dA3, [0, 2, 1]), patches(inputs[l]));
            const biasPerExample = tf.sum(dA3, 1);
            const means = [tf.mean(filterPerExample, 0), tf.mean(biasPerExample, 0)];
            convVariance.unshift(perExampleVariance([filterPerExample, biasPerExample], means, batch));
            convGrads.unshift(...means);
            if (l > 0) dA = tf.mul<tf.Tensor4D>(tf.conv2dTranspose(dA, filters[l], inputs[l].shape, 1, 'valid'), tf.step(preActivations[l - 1]));
          }
          out.push(...convGrads, gradWT, gradB, tf.stack([...convVariance, denseVariance]));
          return out;
        });
        for (let k = 0; k < 2 * shape.convLayers + 2; k++) {
          const values = grads[k].dataSync();
          // the weight gradients come transposed ([units, inputs]); the tensors are input-major
          if (k % 2 === 0) {
            const units = k === 2 * shape.convLayers ? shape.width : shape.channels;
            transposeInto(values, units, tensors[k].size / units, tensors[k].grad);
          }
          else tensors[k].grad.set(values);
        }
        variance.set(grads[grads.length - 1].dataSync());
        for (const g of grads) g.dispose();
        return variance;
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        for (const t of held) t.dispose();
      },
    };
  }

  /**
   * The batch-mean gradient of every trunk tensor into its `grad`, without per-example
   * gradients: each filter gradient is one convolution of the layer's input (its channels as
   * the batch) with the output's gradient (the batch as the channels), summing over examples
   * and positions at once, and the input gradient is a full convolution with the flipped
   * filter (TrunkPass.backwardMean). `signal` [batch, width].
   */
  private meanGradients(signal: Float64Array, batch: number, flat: tf.Tensor, inputs: readonly tf.Tensor4D[], preActivations: readonly tf.Tensor4D[], filters: readonly tf.Tensor4D[]): void {
    const { shape, tensors } = this;
    const features = featureCount(shape);
    const grads = tf.tidy(() => {
      const dU = tf.tensor2d(Float32Array.from(signal), [batch, shape.width]);
      const gradWT = tf.div(tf.matMul(tf.transpose(dU), flat), batch);
      const gradB = tf.mean(dU, 0);
      const wT = tf.tensor2d(this.weightsT, [shape.width, features]);
      let dA: tf.Tensor4D = tf.mul<tf.Tensor4D>(tf.reshape(tf.matMul(dU, wT), preActivations[shape.convLayers - 1].shape), tf.step(preActivations[shape.convLayers - 1]));
      const convGrads: tf.Tensor[] = [];
      for (let l = shape.convLayers - 1; l >= 0; l--) {
        // [inC, H, W, B] ⊛ [H', W', B, C] → [inC, 3, 3, C], then HWIO [3, 3, inC, C] (the tensor's layout)
        const byChannel = tf.transpose(inputs[l], [3, 1, 2, 0]);
        const byExample = tf.transpose(dA, [1, 2, 0, 3]);
        const filterGrad = tf.div(tf.transpose(tf.conv2d(byChannel, byExample, 1, 'valid'), [1, 2, 0, 3]), batch);
        convGrads.unshift(filterGrad, tf.div(tf.sum(dA, [0, 1, 2]), batch));
        if (l > 0) {
          const pad = KERNEL - 1;
          const flipped = tf.transpose(tf.reverse(filters[l], [0, 1]), [0, 1, 3, 2]);
          const dInput = tf.conv2d(tf.pad(dA, [[0, 0], [pad, pad], [pad, pad], [0, 0]]), flipped, 1, 'valid');
          dA = tf.mul<tf.Tensor4D>(dInput, tf.step(preActivations[l - 1]));
        }
      }
      return [...convGrads, gradWT, gradB];
    });
    for (let k = 0; k < 2 * shape.convLayers + 2; k++) {
      const values = grads[k].dataSync();
      // the linear layer's weight gradient comes transposed ([units, inputs]); the filters are already HWIO
      if (k === 2 * shape.convLayers) transposeInto(values, shape.width, tensors[k].size / shape.width, tensors[k].grad);
      else tensors[k].grad.set(values);
    }
    for (const g of grads) g.dispose();
  }

  dispose(): void {}
}

/**
 * The TensorFlow.js trunk of a conv-bandit network of `shape` (on the active tfjs back end:
 * src/trunk/backend.ts chooses it). Tensors as convBanditLayout: [K0, k0, (K1, k1,) W, b].
 * @throws RangeError (from the factory) for a tensor list of the wrong length
 */
export function tfjsTrunk(shape: ConvBanditShape): TrunkFactory {
  return (tensors) => new TfjsTrunk(shape, tensors);
}
