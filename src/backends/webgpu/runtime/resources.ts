// Owner of every GPU buffer of an engine: each is labelled, size-checked against the device
// limits, and destroyed by dispose() (or earlier by release()). One owner per buffer: a
// program allocates through its runtime's GpuResources and never destroys a buffer itself.
import { requireLimit } from './limits.ts';

/** The buffers of one runtime (docs/math.md §1: the back end owns its GPU memory). */
export class GpuResources {
  private readonly buffers = new Set<GPUBuffer>();
  private liveBytes = 0;
  constructor(readonly device: GPUDevice) {}

  /**
   * Bytes of the buffers owned now (created and not yet released or disposed), in bytes as
   * allocated (each size rounded up to 16). A counter kept by buffer() / release() / dispose(),
   * no GPU query: the soak (bench/browser/soak.ts) watches it for leaks.
   */
  get bytes(): number {
    return this.liveBytes;
  }

  /** Number of buffers owned now (see `bytes`). */
  get count(): number {
    return this.buffers.size;
  }

  /**
   * A buffer of at least `bytes` (rounded up to 16) with the given usage, owned here.
   * @throws EngineError('limits') when the size exceeds maxBufferSize (or, for storage,
   * maxStorageBufferBindingSize), naming the buffer
   */
  buffer(label: string, bytes: number, usage: GPUBufferUsageFlags): GPUBuffer {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    requireLimit(this.device, 'maxBufferSize', size, `buffer "${label}" (${size} bytes)`);
    if (usage & GPUBufferUsage.STORAGE) requireLimit(this.device, 'maxStorageBufferBindingSize', size, `storage buffer "${label}" (${size} bytes)`);
    const buffer = this.device.createBuffer({ label, size, usage });
    this.buffers.add(buffer);
    this.liveBytes += buffer.size;
    return buffer;
  }

  /** A storage buffer (copyable both ways) holding `data`. */
  storage(label: string, data: ArrayBufferView | number): GPUBuffer {
    const bytes = typeof data === 'number' ? data : data.byteLength;
    const buffer = this.buffer(label, bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC);
    if (typeof data !== 'number') this.write(buffer, data);
    return buffer;
  }

  /** Queues a write of `data` at byte `offset` (padded to a multiple of 4 bytes). */
  write(buffer: GPUBuffer, data: ArrayBufferView, offset = 0): void {
    const padded = data.byteLength % 4 === 0 ? data : padTo4(data);
    this.device.queue.writeBuffer(buffer, offset, padded.buffer, padded.byteOffset, padded.byteLength);
  }

  /** Destroys one buffer of this owner now (a buffer of another owner is left alone). */
  release(buffer: GPUBuffer): void {
    if (!this.buffers.delete(buffer)) return;
    this.liveBytes -= buffer.size;
    buffer.destroy();
  }

  /** Copies `bytes` from `source` at `offset` back to the CPU (one temporary staging buffer). */
  async read(source: GPUBuffer, offset: number, bytes: number, label: string): Promise<ArrayBuffer> {
    const staging = this.buffer(`${label} (readback)`, bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    try {
      const encoder = this.device.createCommandEncoder({ label: `${label} readback` });
      encoder.copyBufferToBuffer(source, offset, staging, 0, Math.ceil(bytes / 4) * 4);
      this.device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ, 0, staging.size);
      const copy = staging.getMappedRange(0, staging.size).slice(0, bytes);
      staging.unmap();
      return copy;
    } finally {
      this.release(staging);
    }
  }

  /** Destroys every buffer still owned. */
  dispose(): void {
    for (const b of this.buffers) b.destroy();
    this.buffers.clear();
    this.liveBytes = 0;
  }
}

function padTo4(data: ArrayBufferView): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.byteLength / 4) * 4);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return out;
}
