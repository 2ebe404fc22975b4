// Parity on gradients (docs/math.md §5): the WebGPU engine's batch-mean gradient of one update
// against the CPU engine's, tensor by tensor, as an error relative to the tensor's largest
// gradient — so that a scale error ε of any layer's gradient shows as ≈ ε (Adam's parameter
// updates are nearly scale-free and hide it: a 30% bias moved parameters by only 1.3e-4).
/** What the CPU engine leaves after an update: each tensor's batch-mean gradient (float64). */
export interface GradientTensor {
  readonly size: number;
  readonly grad: ArrayLike<number>;
}

/**
 * Per tensor, max_e |gpu[offset + e] − cpu.grad[e]| / max_e |cpu.grad[e]|.
 * @param gpu the GPU's gradients of every run, [runs, parameters] flat; `offset` = run · parameters
 * A tensor whose CPU gradient is all zero gives the GPU's largest |gradient| instead.
 */
export function tensorGradientErrors(gpu: ArrayLike<number>, offset: number, cpu: readonly GradientTensor[]): number[] {
  let o = offset;
  return cpu.map((t, k) => {
    let largest = 0;
    let worst = 0;
    for (let e = 0; e < t.size; e++) {
      largest = Math.max(largest, Math.abs(t.grad[e]));
      worst = Math.max(worst, Math.abs(gpu[o + e] - t.grad[e]));
    }
    o += t.size;
    // an all-zero gradient (e.g. a batch with every reward 0 and no baseline): the GPU's must be ≈ 0
    return largest > 0 ? worst / largest : worst;
  });
}
