// The gradient-variance metric of one layer (docs/math.md §4) by shifted sums, for the CPU
// engines (float64). A layer's per-example gradient is the outer product g_b = x̃_b s_bᵀ of its
// input with a bias entry, x̃_b = [x_b; 1] ([inputs + 1]), and its learning signals s_b ([width]).
// The metric is Σ over the layer's parameters of the batch variance, (1/B) Σ_b ‖g_b − ḡ‖².
//
// The raw-moment form (1/B) Σ_b ‖x̃_b‖²‖s_b‖² − ‖ḡ‖² cancels catastrophically when the gradients
// have a large mean and a small spread (and at batch 1 leaves rounding noise of either sign,
// e.g. −3.5e-21). Variance is unchanged by shifting every g_b by one matrix K; with K = g_0, the
// first example's gradient,
//   Σ Var = (1/B) Σ_b ‖g_b − K‖² − ‖ḡ − K‖²,
// and each ‖g_b − K‖² is computed from differences, never from large squares:
//   g_b − K = Δx s_bᵀ + x̃_0 Δsᵀ  (Δx = x̃_b − x̃_0, Δs = s_b − s_0)
//   ‖g_b − K‖² = ‖Δx‖²‖s_b‖² + ‖x̃_0‖²‖Δs‖² + 2 (Δx·x̃_0)(s_b·Δs),
// where the cross term is bounded by the two others (AM–GM), so the sum keeps its relative
// accuracy. Both terms of the final difference are of the order of the spread, not of the mean:
// the shifted-data algorithm. At batch 1 both are exactly 0. Pure: no Node, no DOM.

import { heapArrays, type ArrayAllocator } from '../simd/arrays.ts';
import { commonKernels } from '../simd/wasmKernels.ts';

/**
 * Accumulates one layer's metric over a minibatch: `first` with example 0, `add` for every
 * example (example 0 included, in any order), then `finish` with the batch-mean gradient.
 * Shapes: inputs x [inputs], signals s [width], gradW [inputs, width] input-major, gradB [width].
 */
export class ShiftedGradientVariance {
  private readonly x0: Float64Array;
  private readonly s0: Float64Array;
  /** signalMoments' three sums */
  private readonly moments: Float64Array;
  private x0Squares = 0;
  private sum = 0;
  private examples = 0;

  /**
   * `arrays`: where example 0's inputs and signals live; in a WASM kernel arena with the
   * gradients, finish sums in the kernels' two float64 lanes (shiftedSquareSum: the same terms
   * in another order).
   */
  constructor(
    readonly inputs: number,
    readonly width: number,
    arrays: ArrayAllocator = heapArrays,
  ) {
    this.x0 = arrays.f64(inputs);
    this.s0 = arrays.f64(width);
    this.moments = arrays.f64(3);
  }

  /**
   * Starts a minibatch with example 0: its inputs (dense, `x(j)` for j < inputs) and signals.
   * `signal` is read at offset `at` ([width] values).
   */
  first(x: (j: number) => number, signal: ArrayLike<number>, at = 0): void {
    let xx = 1; // the bias input
    for (let j = 0; j < this.inputs; j++) {
      const v = x(j);
      this.x0[j] = v;
      xx += v * v;
    }
    for (let i = 0; i < this.width; i++) this.s0[i] = signal[at + i];
    this.x0Squares = xx;
    this.sum = 0;
    this.examples = 0;
  }

  /** Adds example b's ‖g_b − g_0‖² from its inputs (dense `x(j)`) and its signals at `signal[at..at+width)`; returns Σ of the signals' squares. */
  add(x: (j: number) => number, signal: ArrayLike<number>, at = 0): number {
    let dxx = 0;
    let dxX0 = 0;
    for (let j = 0; j < this.inputs; j++) {
      const d = x(j) - this.x0[j];
      dxx += d * d;
      dxX0 += d * this.x0[j];
    }
    return this.addWithInputDifferences(dxx, dxX0, signal, at);
  }

  /**
   * The same as add for binary inputs given by the indices of the inputs that are 1 (`on[from..to)`)
   * with example 0's also binary: ‖Δx‖² and Δx·x̃_0 are counts, computed exactly. Returns Σ of the
   * signals' squares.
   */
  addBinary(on: ArrayLike<number>, from: number, to: number, signal: ArrayLike<number>, at = 0): number {
    let both = 0;
    for (let k = from; k < to; k++) both += this.x0[on[k]];
    const onB = to - from;
    const on0 = this.x0Squares - 1;
    return this.addWithInputDifferences(onB + on0 - 2 * both, both - on0, signal, at);
  }

  /** Adds one example from its input differences and signals; returns Σ v² of the signals. */
  private addWithInputDifferences(dxx: number, dxX0: number, signal: ArrayLike<number>, at: number): number {
    let ss = 0;
    let dss = 0;
    let sds = 0;
    const { moments } = this;
    const kernels = signal instanceof Float64Array ? commonKernels(signal, this.s0, moments) : null;
    if (kernels && signal instanceof Float64Array) {
      // the same sums in the same order in the kernels (signalMoments)
      kernels.exports.signalMoments(signal.byteOffset + 8 * at, this.s0.byteOffset, this.width, moments.byteOffset);
      ss = moments[0];
      dss = moments[1];
      sds = moments[2];
    } else {
      for (let i = 0; i < this.width; i++) {
        const v = signal[at + i];
        const d = v - this.s0[i];
        ss += v * v;
        dss += d * d;
        sds += v * d;
      }
    }
    this.sum += dxx * ss + this.x0Squares * dss + 2 * dxX0 * sds;
    this.examples += 1;
    return ss;
  }

  /**
   * Σ over the layer's parameters of the batch variance of the per-example gradients, from the
   * batch-mean gradient (gradW [inputs, width] input-major, gradB [width]); ≥ 0 (a difference
   * below 0 is rounding at the spread's scale and reads as 0). Exactly 0 for one example.
   */
  finish(gradW: ArrayLike<number>, gradB: ArrayLike<number>): number {
    if (this.examples <= 1) return 0;
    const { width, x0, s0 } = this;
    const kernels = gradW instanceof Float64Array && gradB instanceof Float64Array ? commonKernels(gradW, gradB, x0, s0) : null;
    if (kernels && gradW instanceof Float64Array && gradB instanceof Float64Array) {
      const shifted = kernels.exports.shiftedSquareSum(gradW.byteOffset, gradB.byteOffset, x0.byteOffset, s0.byteOffset, this.inputs, width);
      return Math.max(0, this.sum / this.examples - shifted);
    }
    let shift = 0;
    for (let j = 0; j < this.inputs; j++) {
      const xj = x0[j];
      const row = j * width;
      for (let i = 0; i < width; i++) {
        const d = gradW[row + i] - xj * s0[i];
        shift += d * d;
      }
    }
    for (let i = 0; i < width; i++) {
      const d = gradB[i] - s0[i];
      shift += d * d;
    }
    return Math.max(0, this.sum / this.examples - shift);
  }
}
