// The contract between the conv bandit's own math (the Bernoulli layer, its credit and signals:
// src/models) and the library that runs its deterministic trunk (src/trunk, TensorFlow.js).
import type { ParameterTensor } from '../../engine/optimizer.ts';

/** One forward pass of the trunk over a batch, kept until disposed so that it can be differentiated. */
export interface TrunkPass {
  /** the Bernoulli logits u = W·flatten(conv(…)) + b, [batch, width] */
  readonly logits: Float32Array;
  /**
   * Backpropagates the units' learning signals as the gradient of their logits, ∂/∂u_bi = S_bi
   * (ascent, docs/math.md §7.2), into the batch-mean gradient of every trunk tensor (its `grad`).
   * `signal`: [batch, width]. Returns, per trunk layer (each convolution, then the linear
   * layer), Σ over that layer's weights and biases of the batch variance of the per-example
   * gradients g_b, computed stably (shifted sums: never negative, exactly 0 at batch 1): the
   * layer's sum of the variance metric (docs/math.md §4).
   */
  backward(signal: Float64Array): Float64Array;
  /**
   * As backward, the batch-mean gradient of every trunk tensor into its `grad`, but without
   * per-example gradients, so without the variance metric (several times faster: the updates
   * ConvBanditConfig.varianceEvery leaves unmeasured). The same gradient up to float32 rounding.
   */
  backwardMean(signal: Float64Array): void;
  /** Releases the pass's tensors (backward cannot be called after). */
  dispose(): void;
}

/** A deterministic trunk over one run's trunk tensors (their current values are read on every forward pass). */
export interface Trunk {
  /**
   * The forward pass of `batch` images, `pixels` [batch, rows · cols] of 0/1 values, row-major.
   * @throws RangeError when `pixels` holds fewer than batch · rows · cols values
   */
  forward(pixels: Float32Array, batch: number): TrunkPass;
  dispose(): void;
}

/** Makes the trunk of a run from its trunk tensors ([K0, k0, (K1, k1,) W, b], see convBanditLayout). */
export type TrunkFactory = (tensors: readonly ParameterTensor[]) => Trunk;
