// Parameter gradients from the examples' logit gradients: a 0/1 input j adds the layer's
// logit-gradient vector to row j of the input-major weight gradient (no multiplies).
import type { ExampleWork } from './estimators.ts';
import type { VaeParams } from './params.ts';
import { commonKernels, type WasmKernels } from '../../simd/wasmKernels.ts';
import { heapArrays, type ArrayAllocator } from '../../simd/arrays.ts';

/** gB[i] += g[i]; gW[on[k]·n + i] += g[i] (g [n], gW [inputs, n]); in one WASM kernel memory: vaeAddRows, bit for bit. */
function addRows(g: Float64Array, n: number, on: Int32Array, onCount: number, gW: Float64Array, gB: Float64Array): void {
  const kernels = commonKernels(g, on, gW, gB);
  if (kernels) {
    kernels.exports.vaeAddRows(g.byteOffset, n, on.byteOffset, onCount, gW.byteOffset, gB.byteOffset);
    return;
  }
  for (let i = 0; i < n; i++) gB[i] += g[i];
  for (let k = 0; k < onCount; k++) {
    const r = on[k] * n;
    for (let i = 0; i < n; i++) gW[r + i] += g[i];
  }
}

/** Adds one example's gradient of every tensor (tensorSizes order) into grads. */
export function addExampleGradients(params: VaeParams, work: ExampleWork, grads: readonly Float64Array[]): void {
  const L = params.shape.layers;
  const { sizes } = params;
  const { main } = work;
  for (let l = 1; l <= L; l++) {
    addRows(work.encGrad[l], sizes[l], main.on[l - 1], main.onCount[l - 1], grads[2 * (l - 1)], grads[2 * (l - 1) + 1]);
  }
  for (let m = 0; m < L; m++) {
    addRows(work.decGrad[m], sizes[m], main.on[m + 1], main.onCount[m + 1], grads[2 * L + 2 * m], grads[2 * L + 2 * m + 1]);
  }
  const gPrior = grads[4 * L];
  const d = work.decGrad[L];
  for (let i = 0; i < sizes[L]; i++) gPrior[i] += d[i];
}

/**
 * Scratch of the whole-batch gradient assembly (addSlabGradients): per input unit j the
 * examples whose input j is 1 (a CSR of input → examples, [inputs + 1] starts and
 * [slab · inputs] entries), and every example's entry for the bias ([2] starts, [slab] entries).
 */
export class BatchGradientScratch {
  readonly start: Int32Array;
  readonly list: Int32Array;
  readonly biasStart: Int32Array;
  readonly all: Int32Array;
  /** the slab's learning signals of one tensor in float32, [slab, widest] (vaeCsrRowsF32 sums them) */
  readonly signals: Float32Array;
  /** `slab`: the most examples per call; `arrays`: a run's WASM kernel arena (the CSR must sit in the kernels' memory). */
  constructor(
    readonly sizes: readonly number[],
    readonly slab: number,
    arrays: ArrayAllocator = heapArrays,
  ) {
    const widest = Math.max(...sizes);
    this.start = arrays.i32(widest + 2);
    this.list = arrays.i32(Math.max(1, slab * widest));
    this.biasStart = arrays.i32(2);
    this.all = arrays.i32(Math.max(1, slab));
    this.signals = arrays.f32(Math.max(1, slab * widest));
  }
}

/** The kernel instance holding every array of `works[0..n)` the gradient assembly reads and `grads`, or null. */
export function slabKernels(works: readonly ExampleWork[], n: number, grads: readonly Float64Array[], scratch: BatchGradientScratch): WasmKernels | null {
  if (n > scratch.slab || n > works.length) return null;
  const kernels = commonKernels(scratch.start, scratch.list, scratch.all, scratch.biasStart, scratch.signals, ...grads);
  if (!kernels) return null;
  for (let b = 0; b < n; b++) {
    const w = works[b];
    if (commonKernels(scratch.start, ...w.encGrad, ...w.decGrad) !== kernels) return null;
  }
  return kernels;
}

/**
 * Adds the logit gradients of works[0..n) (one slab of the minibatch, in example order) into
 * every tensor's gradient (tensorSizes order) in one whole-batch kernel per tensor
 * (wasm/kernels.ts vaeCsrRowsF32): gW[j, :] += Σ_{b: input j of b is 1} g_b and gB += Σ_b g_b, g_b
 * the example's logit gradient ([sizes[l]] for encoder layer l, [sizes[m]] for decoder m),
 * rounded to float32 and summed in float32 (the float32 path, docs/math.md §5), each row's sum
 * continuing the previous slab's (`first`: start from 0) and, on the `last` slab, scaled by
 * `scale` (1/B: the batch mean). addExampleGradients per example followed by grad *= 1/B is
 * the float64 reference. `kernels` from slabKernels.
 */
export function addSlabGradients(
  kernels: WasmKernels,
  params: VaeParams,
  works: readonly ExampleWork[],
  n: number,
  grads: readonly Float64Array[],
  scratch: BatchGradientScratch,
  first: boolean,
  last: boolean,
  scale: number,
): void {
  const L = params.shape.layers;
  const { sizes } = params;
  const s = last ? scale : 1;
  for (let l = 1; l <= L; l++) {
    rowSums(kernels, works, n, l - 1, sizes[l - 1], sizes[l], (w) => w.encGrad[l], grads[2 * (l - 1)], grads[2 * (l - 1) + 1], first, s, scratch);
  }
  for (let m = 0; m < L; m++) {
    rowSums(kernels, works, n, m + 1, sizes[m + 1], sizes[m], (w) => w.decGrad[m], grads[2 * L + 2 * m], grads[2 * L + 2 * m + 1], first, s, scratch);
  }
  const { all, biasStart } = scratch;
  demoteSignals(kernels, works, n, sizes[L], (w) => w.decGrad[L], scratch);
  biasStart[0] = 0;
  biasStart[1] = n;
  kernels.exports.vaeCsrRowsF32(grads[4 * L].byteOffset, 0, biasStart.byteOffset, all.byteOffset, 1, sizes[L], first ? 0 : 1, s);
}

/** Rounds each example's signal ([width]) to float32 into scratch.signals (row b) and sets all[b] to its element offset. */
function demoteSignals(kernels: WasmKernels, works: readonly ExampleWork[], n: number, width: number, signal: (w: ExampleWork) => Float64Array, scratch: BatchGradientScratch): void {
  const { signals, all } = scratch;
  const base = signals.byteOffset;
  for (let b = 0; b < n; b++) {
    kernels.exports.demoteF64(signal(works[b]).byteOffset, base + 4 * b * width, width);
    all[b] = (base >>> 2) + b * width;
  }
}

/** One layer's gW, gB: the inputs are layer `input` of each example's main pass, g = signal(work). */
function rowSums(
  kernels: WasmKernels,
  works: readonly ExampleWork[],
  n: number,
  input: number,
  inputs: number,
  width: number,
  signal: (w: ExampleWork) => Float64Array,
  gW: Float64Array,
  gB: Float64Array,
  first: boolean,
  scale: number,
  scratch: BatchGradientScratch,
): void {
  const { start, list, all, biasStart } = scratch;
  start.fill(0, 0, inputs + 2);
  for (let b = 0; b < n; b++) {
    const { on, onCount } = works[b].main;
    const o = on[input];
    for (let k = 0, c = onCount[input]; k < c; k++) start[o[k] + 2]++;
  }
  for (let j = 0; j < inputs; j++) start[j + 2] += start[j + 1];
  demoteSignals(kernels, works, n, width, signal, scratch);
  for (let b = 0; b < n; b++) {
    const { on, onCount } = works[b].main;
    const o = on[input];
    const at = all[b]; // element offset of g_b (float32) from address 0
    for (let k = 0, c = onCount[input]; k < c; k++) list[start[o[k] + 1]++] = at;
  }
  // start[j] .. start[j + 1] delimit input j's examples, in example order
  const accumulate = first ? 0 : 1;
  kernels.exports.vaeCsrRowsF32(gW.byteOffset, 0, start.byteOffset, list.byteOffset, inputs, width, accumulate, scale);
  biasStart[0] = 0;
  biasStart[1] = n;
  kernels.exports.vaeCsrRowsF32(gB.byteOffset, 0, biasStart.byteOffset, all.byteOffset, 1, width, accumulate, scale);
}
