// Parameter gradients from one example's logit gradients: a 0/1 input j adds the layer's
// logit-gradient vector to row j of the input-major weight gradient (no multiplies).
import type { ExampleWork } from './estimators.ts';
import type { VaeParams } from './params.ts';
import { commonKernels } from '../../simd/wasmKernels.ts';

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
