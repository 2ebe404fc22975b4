// The gradient-variance metric (docs/math.md §4) of the conv bandit's trunk layers (§7.2) by shifted
// sums, in TensorFlow.js ops (float32, on whichever back end the trunk runs: the CPU engine's
// WebAssembly or CPU back end, the WebGPU engine's tfjs-backend-webgpu). The float32 twin, for
// the trunk, of src/engine/gradientVariance.ts.
//
// The raw-moment form Σ_b ‖g_b‖²/B − ‖ḡ‖² cancels catastrophically when the gradients have a large
// mean and a small spread. Variance is unchanged by shifting every g_b by one K:
//   Σ Var = (1/B) Σ_b ‖g_b − K‖² − ‖ḡ − K‖²,
// whose two terms are of the order of the spread, not of the mean.
// - A convolution's per-example gradients are formed anyway (one batched product per layer), so
//   K = the batch mean itself (the corrected two-pass algorithm: the second term is only the
//   rounding of the mean).
// - The linear layer's per-example gradients g_b = f̃_b s_bᵀ (f̃_b = [f_b; 1], the flattened
//   features with a bias entry; s_b the units' signals) are never formed ([B, features, width]
//   would not fit): K = g_0 = f̃_0 s_0ᵀ, and with Δf = f_b − f_0, Δs = s_b − s_0,
//     ‖g_b − K‖² = ‖Δf‖²‖s_b‖² + ‖f̃_0‖²‖Δs‖² + 2 (Δf·f_0)(s_b·Δs),
//   every factor a difference or bounded by one (as gradientVariance.ts).
// A difference below 0 is rounding at the spread's scale and reads as 0; at batch 1 the variance is
// exactly 0.
import * as tf from '@tensorflow/tfjs-core';

/**
 * Σ over a layer's parameters of the batch variance of its per-example gradients, from the
 * per-example gradient tensors themselves (each [B, …], B the batch along axis 0; e.g. a
 * convolution's filter gradients [B, C, 9·inC] and bias gradients [B, C]) and their batch means
 * (each the tensor's mean over axis 0, shaped as one example's gradient: the mean the optimizer
 * takes). A float32 scalar ≥ 0, exactly 0 for B = 1. Call inside tf.tidy.
 */
export function perExampleVariance(perExample: readonly tf.Tensor[], means: readonly tf.Tensor[], batch: number): tf.Scalar {
  if (batch <= 1) return tf.scalar(0);
  let shifted: tf.Scalar = tf.scalar(0);
  let offset: tf.Scalar = tf.scalar(0);
  perExample.forEach((g, k) => {
    const mean = tf.reshape(means[k], [1, ...g.shape.slice(1)]);
    const centered = tf.sub(g, mean);
    shifted = tf.add(shifted, tf.div(tf.sum(tf.square(centered)), batch));
    // ‖ḡ − K‖² with K the rounded mean: the rounding of the mean, ~0
    offset = tf.add(offset, tf.sum(tf.square(tf.mean(centered, 0))));
  });
  return atLeastZero(tf.sub(shifted, offset));
}

/**
 * Σ over the linear layer's weights and biases of the batch variance of its per-example
 * gradients g_b = f̃_b s_bᵀ, by sums shifted by example 0's gradient. `features` f [B, F], `signal`
 * s [B, W]; `gradW` the batch-mean weight gradient, input-major [F, W] (or [W, F] with
 * `transposed`), `gradB` [W]. A float32 scalar ≥ 0, exactly 0 for B = 1. Call inside tf.tidy.
 * @throws RangeError when features or signals are not [B, F] and [B, W] with one B
 */
export function linearLayerVariance(features: tf.Tensor, signal: tf.Tensor, gradW: tf.Tensor, gradB: tf.Tensor, transposed = false): tf.Scalar {
  if (features.rank !== 2 || signal.rank !== 2 || signal.shape[0] !== features.shape[0]) throw new RangeError(`features [B, F] and signals [B, W] expected, got [${features.shape}] and [${signal.shape}]`);
  const [batch, count, width] = [features.shape[0], features.shape[1] ?? 0, signal.shape[1] ?? 0];
  if (batch <= 1) return tf.scalar(0);
  const f0 = tf.slice(features, [0, 0], [1, count]);
  const s0 = tf.slice(signal, [0, 0], [1, width]);
  const df = tf.sub(features, f0);
  const ds = tf.sub(signal, s0);
  // per example, [B]: ‖Δf‖², Δf·f_0, ‖s_b‖², ‖Δs‖², s_b·Δs
  const dff = tf.sum(tf.square(df), 1);
  const dfF0 = tf.sum(tf.mul(df, f0), 1);
  const ss = tf.sum(tf.square(signal), 1);
  const dss = tf.sum(tf.square(ds), 1);
  const sds = tf.sum(tf.mul(signal, ds), 1);
  const f0Squares = tf.add(tf.sum(tf.square(f0)), 1);
  const shifted = tf.mean(tf.add(tf.add(tf.mul(dff, ss), tf.mul(f0Squares, dss)), tf.mul(tf.mul(dfF0, sds), 2)));
  // ‖ḡ − K‖², K_W = f_0 s_0ᵀ (in gradW's layout), K_b = s_0
  const k = transposed ? tf.mul(tf.reshape(s0, [width, 1]), f0) : tf.mul(tf.reshape(f0, [count, 1]), s0);
  const offset = tf.add(tf.sum(tf.square(tf.sub(gradW, k))), tf.sum(tf.square(tf.sub(gradB, tf.reshape(s0, [width])))));
  return atLeastZero(tf.sub(shifted, offset));
}

/** x, or 0 where x < 0 (rounding at the spread's scale); a NaN stays NaN (relu or maximum may turn it into 0), so a non-finite gradient still stops the run. */
function atLeastZero(x: tf.Scalar): tf.Scalar {
  return tf.where(tf.less(x, 0), tf.zerosLike(x), x);
}
