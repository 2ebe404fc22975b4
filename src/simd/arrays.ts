// Where a model's typed arrays live. By default on the JS heap; the CPU engine gives each run
// an arena in the linear memory of a WASM SIMD kernel instance (./wasmKernels.ts), so its
// parameters, gradients, Adam moments and scratch are views the kernels read and write in
// place (one owner, no copies per update). Kernels find their instance from the arrays' buffer
// and fall back to JavaScript for arrays on the heap.

/** Allocates zero-filled typed arrays of `n` elements (throws only when the JS heap does). */
export interface ArrayAllocator {
  f32(n: number): Float32Array;
  f64(n: number): Float64Array;
  i32(n: number): Int32Array;
  u8(n: number): Uint8Array;
}

/** Arrays on the JS heap: the reference path of every kernel. */
export const heapArrays: ArrayAllocator = {
  f32: (n) => new Float32Array(n),
  f64: (n) => new Float64Array(n),
  i32: (n) => new Int32Array(n),
  u8: (n) => new Uint8Array(n),
};

/** Bytes an array of `bytes` bytes takes in an arena whose arrays start on 16-byte boundaries. */
export function alignedBytes(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/**
 * Heap arrays that also count the arena bytes they would take: construct a model's arrays
 * once with it to size its arena.
 */
export class CountingAllocator implements ArrayAllocator {
  bytes = 0;
  f32(n: number): Float32Array {
    this.bytes += alignedBytes(4 * n);
    return new Float32Array(n);
  }
  f64(n: number): Float64Array {
    this.bytes += alignedBytes(8 * n);
    return new Float64Array(n);
  }
  i32(n: number): Int32Array {
    this.bytes += alignedBytes(4 * n);
    return new Int32Array(n);
  }
  u8(n: number): Uint8Array {
    this.bytes += alignedBytes(n);
    return new Uint8Array(n);
  }
}
