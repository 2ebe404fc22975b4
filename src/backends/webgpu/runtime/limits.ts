// Device limits, checked before anything is allocated or encoded, so that a configuration too
// large for the device is refused with one line naming the limit and the value, never a raw
// WebGPU validation error at the first update. Includes the dispatch grid: a 1-D count of
// workgroups over maxComputeWorkgroupsPerDimension folds into a second dimension.
import { EngineError } from '../../../engine/types.ts';

/** Numeric limits of a device (GPUSupportedLimits minus its brand). */
export type LimitName = { [K in keyof GPUSupportedLimits]-?: GPUSupportedLimits[K] extends number ? K : never }[keyof GPUSupportedLimits];

/**
 * Throws when `needed` exceeds the device's `limit`.
 * @param what what needs it, for the message ("parameters of 3 runs", "kernel affine_logits")
 * @throws EngineError('limits'): "WebGPU engine: <what> needs <limit> >= <needed>, but this device allows <have>; …"
 */
export function requireLimit(device: GPUDevice, limit: LimitName, needed: number, what: string): void {
  const have = device.limits[limit];
  if (typeof have !== 'number') return;
  if (needed > have) {
    throw new EngineError(`WebGPU engine: ${what} needs ${limit} >= ${needed}, but this device allows ${have}; use a smaller configuration (fewer runs, narrower layers or a smaller batch)`, 'limits');
  }
}

/** Workgroup counts of one dispatch, [x, y, z], each ≥ 1. */
export type Grid = readonly [number, number, number];

/**
 * The grid of a 1-D dispatch of `workgroups` workgroups (along x) per `z`: when `workgroups`
 * exceeds maxComputeWorkgroupsPerDimension it folds into x × y with x = the limit and
 * y = ceil(workgroups / x). The kernel then computes its flat index with flatIndex
 * (shaders/common.wgsl: `(id.y * num_workgroups.x) * WORKGROUP_SIZE + id.x`), or its row with
 * foldedRow, and must bounds-check it (the folded grid may overshoot by up to x − 1 workgroups).
 * `y` and `z` are checked by checkGrid when the dispatch is planned.
 */
export function foldedGrid(device: GPUDevice, workgroups: number, z = 1): Grid {
  const max = device.limits.maxComputeWorkgroupsPerDimension;
  const n = Math.max(1, Math.ceil(workgroups));
  const x = Math.min(n, max);
  return [x, Math.ceil(n / x), Math.max(1, z)];
}

/**
 * Refuses a dispatch grid that exceeds maxComputeWorkgroupsPerDimension in any dimension.
 * @param what the kernel and what the dimension counts ("kernel binarize_minibatch (y: examples)")
 * @throws EngineError('limits') naming the limit, the dimension and the value
 */
export function checkGrid(device: GPUDevice, grid: Grid, what: string): void {
  const max = device.limits.maxComputeWorkgroupsPerDimension;
  grid.forEach((count, d) => {
    if (!Number.isInteger(count) || count < 1) throw new EngineError(`WebGPU engine: ${what}: workgroup count ${'xyz'[d]} = ${count} is not a positive integer`, 'internal');
    if (count > max) {
      throw new EngineError(
        `WebGPU engine: ${what} needs ${count} workgroups along ${'xyz'[d]}, but this device allows maxComputeWorkgroupsPerDimension = ${max}; use a smaller configuration (fewer runs or a smaller batch)`,
        'limits',
      );
    }
  });
}

/**
 * Each of `buffers` ([what, bytes]) against maxBufferSize and maxStorageBufferBindingSize, in
 * order, before anything is allocated.
 * @throws EngineError('limits') naming the first buffer too large, the limit and the value
 */
export function requireStorageBuffers(device: GPUDevice, buffers: readonly (readonly [string, number])[]): void {
  for (const [what, bytes] of buffers) {
    requireLimit(device, 'maxBufferSize', bytes, what);
    requireLimit(device, 'maxStorageBufferBindingSize', bytes, what);
  }
}
