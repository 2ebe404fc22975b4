// Per-update tables of a weight matrix for counterfactual messages (docs/math.md §2 "Messages"):
// forcing parent j of a Bernoulli layer to its other value shifts child c's logit by
// ±m·W[j, c] (m = 2 for ±1 values, 1 for 0/1), so exp of that shift, tabulated once per update
// (independent of the batch), turns each (example, parent, child) edge into one multiply-add.
import { heapArrays, type ArrayAllocator } from '../../simd/arrays.ts';
import { commonKernels } from '../../simd/wasmKernels.ts';

/**
 * exp(±m·W) of one input-major weight matrix W [rows = parents, cols = children], interleaved:
 * table[2e] = exp(+m·W[e]), table[2e + 1] = exp(−m·W[e]). Also per child c the largest shift a
 * flip can cause, maxShift[c] = max_j m·|W[j, c]| (nats of logit), its maximum over the matrix,
 * and per parent rowSum[j] = Σ_c W[j, c]. The entries overflow to Infinity (and 0) once
 * m·|W| > 709: callers check `largestShift` before trusting a product of entries.
 */
export class FlipTables {
  readonly table: Float64Array;
  readonly maxShift: Float64Array;
  readonly rowSum: Float64Array;
  /** max_c maxShift[c] */
  largestShift = 0;
  /** the W and m of the last fill (the log-domain paths read the weights themselves) */
  weights: Float32Array | Float64Array = new Float32Array(0);
  magnitude = 1;
  /** `arrays`: where the tables live (a run's WASM kernel arena in the CPU engine). */
  constructor(
    readonly rows: number,
    readonly cols: number,
    arrays: ArrayAllocator = heapArrays,
  ) {
    this.table = arrays.f64(2 * rows * cols);
    this.maxShift = arrays.f64(cols);
    this.rowSum = arrays.f64(rows);
  }
  /** Refills every table from W (float32 or float64, [rows, cols] input-major) and magnitude m. */
  fill(w: Float32Array | Float64Array, magnitude: number): void {
    const { table, maxShift, rowSum, rows, cols } = this;
    this.weights = w;
    this.magnitude = magnitude;
    // float32 weights in the tables' WASM kernel memory: the same loop there, exp two lanes at a time
    const kernels = w instanceof Float32Array ? commonKernels(w, table, maxShift, rowSum) : null;
    if (kernels) {
      this.largestShift = kernels.exports.fillFlipTablesF32(w.byteOffset, rows, cols, magnitude, table.byteOffset, maxShift.byteOffset, rowSum.byteOffset);
      return;
    }
    maxShift.fill(0);
    let largest = 0;
    for (let j = 0, e = 0; j < rows; j++) {
      let sum = 0;
      for (let c = 0; c < cols; c++, e++) {
        const w0 = w[e];
        sum += w0;
        const x = Math.exp(magnitude * w0);
        table[2 * e] = x;
        table[2 * e + 1] = 1 / x;
        const shift = magnitude * Math.abs(w0);
        if (shift > maxShift[c]) maxShift[c] = shift;
        if (shift > largest) largest = shift;
      }
      rowSum[j] = sum;
    }
    this.largestShift = largest;
  }
}
