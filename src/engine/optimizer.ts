// Adam and SGD for gradient *ascent* (docs/math.md §2: we maximise E[r] or the ELBO).
import { heapArrays, type ArrayAllocator } from '../simd/arrays.ts';
import { kernelsOf } from '../simd/wasmKernels.ts';
import type { OptimizerConfig } from './types.ts';

/** One parameter tensor with its gradient (batch mean) and Adam moments. */
export class ParameterTensor {
  readonly value: Float32Array;
  readonly grad: Float64Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** `arrays`: where the four arrays live (a run's WASM kernel arena in the CPU engine). */
  constructor(
    readonly size: number,
    arrays: ArrayAllocator = heapArrays,
  ) {
    this.value = arrays.f32(size);
    this.grad = arrays.f64(size);
    this.m = arrays.f32(size);
    this.v = arrays.f32(size);
  }
}

/**
 * Applies one ascent step to every tensor and returns, per tensor, the sum of squared
 * gradient entries (needed by the variance metric, docs/math.md §4, so it costs no extra pass).
 * `t` is the 1-based update count used for Adam's bias correction.
 */
export function ascentStep(tensors: readonly ParameterTensor[], opt: OptimizerConfig, t: number, sumSquares: Float64Array): void {
  const { lr, beta1, beta2, eps } = opt;
  const c1 = 1 / (1 - Math.pow(beta1, t));
  const c2 = 1 / (1 - Math.pow(beta2, t));
  for (let k = 0; k < tensors.length; k++) {
    const { value, grad, m, v, size } = tensors[k];
    const kernels = kernelsOf(value);
    if (kernels && kernelsOf(grad) === kernels && kernelsOf(m) === kernels && kernelsOf(v) === kernels) {
      // the same float64 operations in the same order (wasm/kernels.ts adam, sgd): bit for bit
      const e = kernels.exports;
      sumSquares[k] =
        opt.optimizer === 'sgd'
          ? e.sgd(value.byteOffset, grad.byteOffset, size, lr)
          : e.adam(value.byteOffset, grad.byteOffset, m.byteOffset, v.byteOffset, size, lr, beta1, beta2, 1 - beta1, 1 - beta2, eps, c1, c2);
      continue;
    }
    let ss = 0;
    if (opt.optimizer === 'sgd') {
      for (let i = 0; i < size; i++) {
        const g = grad[i];
        ss += g * g;
        value[i] += lr * g;
      }
    } else {
      for (let i = 0; i < size; i++) {
        const g = grad[i];
        ss += g * g;
        const mi = beta1 * m[i] + (1 - beta1) * g;
        const vi = beta2 * v[i] + (1 - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        value[i] += (lr * (mi * c1)) / (Math.sqrt(vi * c2) + eps);
      }
    }
    sumSquares[k] = ss;
  }
}

/**
 * One ascent step on every tensor for a model on the float32 path (the VAE, docs/math.md §5):
 * Adam in float32 lanes (wasm/kernels.ts adamF32, the gradient rounded to float32) where the
 * tensors sit in one kernel memory, without the Σ g² that ascentStep returns; SGD and tensors on
 * the JS heap take ascentStep's float64 reference. `t`: the 1-based update count.
 */
export function ascentStepFloat32(tensors: readonly ParameterTensor[], opt: OptimizerConfig, t: number, scratch: Float64Array): void {
  if (opt.optimizer !== 'adam') {
    ascentStep(tensors, opt, t, scratch);
    return;
  }
  const { lr, beta1, beta2, eps } = opt;
  const c1 = 1 / (1 - Math.pow(beta1, t));
  const c2 = 1 / (1 - Math.pow(beta2, t));
  for (let k = 0; k < tensors.length; k++) {
    const tensor = tensors[k];
    const { value, grad, m, v, size } = tensor;
    const kernels = kernelsOf(value);
    if (kernels && kernelsOf(grad) === kernels && kernelsOf(m) === kernels && kernelsOf(v) === kernels) {
      kernels.exports.adamF32(value.byteOffset, grad.byteOffset, m.byteOffset, v.byteOffset, size, lr, beta1, beta2, 1 - beta1, 1 - beta2, eps, c1, c2);
    } else ascentStep([tensor], opt, t, scratch);
  }
}
