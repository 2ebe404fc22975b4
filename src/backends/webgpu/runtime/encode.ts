// Encoding of planned dispatches (program.ts Dispatch): the only place a program's GPU work
// becomes commands. Programs plan; the engine (gpuEngine.ts) submits.
import { EngineError } from '../../../engine/types.ts';
import type { Dispatch } from '../program.ts';
import type { GpuRuntime } from './runtime.ts';

/**
 * Encodes `dispatches` into `pass`, each reading StepParams at the dynamic offset `slotOffset`
 * (bytes) unless it declares `stepSlot: false`.
 * @throws EngineError('internal') for a dispatch planned without a bind group
 */
export function encodeDispatches(pass: GPUComputePassEncoder, dispatches: readonly Dispatch[], slotOffset: number): void {
  for (const d of dispatches) {
    if (!d.group) throw new EngineError(`WebGPU engine: no bind group for ${d.kernel.name}`, 'internal');
    pass.setPipeline(d.kernel.pipeline);
    pass.setBindGroup(0, d.group, d.stepSlot === false ? [] : [slotOffset]);
    pass.dispatchWorkgroups(d.grid[0], d.grid[1], d.grid[2]);
  }
}

/**
 * Checks every grid of `dispatches` against the device's limits (runtime.checkGrid).
 * @throws EngineError('limits') naming the kernel, `purpose`, the dimension and the value
 */
export function checkDispatches(rt: GpuRuntime, dispatches: readonly Dispatch[], purpose: string): void {
  for (const d of dispatches) rt.checkGrid(d.grid, `kernel ${d.kernel.name} (${purpose})`);
}
