// The uniform-slot ring: one uniform buffer of `slots` slots of SLOT_BYTES bytes, bound with a
// dynamic offset, so that one submission carries up to `slots` updates (each dispatch of update
// i reads slot i) without a CPU round trip. The slots are rewritten before each submission:
// queue.writeBuffer is ordered before the submit that follows it.
import { EngineError } from '../../../engine/types.ts';
import type { GpuResources } from './resources.ts';
import type { StructuredView } from './webgpuUtils.ts';

/** Bytes per slot: 256, WebGPU's largest allowed minUniformBufferOffsetAlignment. */
export const SLOT_BYTES = 256;

/** A ring of uniform slots of one struct (e.g. the bandit's StepParams). */
export class UniformSlots<V> {
  /** the uniform buffer, slots × SLOT_BYTES bytes, owned by the runtime's resources */
  readonly buffer: GPUBuffer;
  private readonly staging: ArrayBuffer;
  private readonly device: GPUDevice;

  /**
   * @param view a structured view of the struct (runtime/pipelines.ts uniformView)
   * @param slots slots per submission
   * @throws EngineError('internal') when the struct exceeds a slot; EngineError('limits') when
   * the device's minUniformBufferOffsetAlignment exceeds SLOT_BYTES
   */
  constructor(
    res: GpuResources,
    label: string,
    private readonly view: StructuredView,
    readonly slots: number,
  ) {
    if (view.arrayBuffer.byteLength > SLOT_BYTES) throw new EngineError(`WebGPU engine: ${label}: the struct (${view.arrayBuffer.byteLength} bytes) exceeds a ${SLOT_BYTES}-byte slot`, 'internal');
    const alignment = res.device.limits.minUniformBufferOffsetAlignment;
    if (alignment > SLOT_BYTES) throw new EngineError(`WebGPU engine: minUniformBufferOffsetAlignment ${alignment} exceeds the ${SLOT_BYTES}-byte uniform slots`, 'limits');
    this.device = res.device;
    this.staging = new ArrayBuffer(slots * SLOT_BYTES);
    this.buffer = res.buffer(label, slots * SLOT_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  }

  /** The resource to bind (the struct's size at a dynamic offset). */
  get binding(): { buffer: GPUBuffer; size: number } {
    return { buffer: this.buffer, size: this.view.arrayBuffer.byteLength };
  }

  /** The dynamic offset of slot `slot`, in bytes. */
  offset(slot: number): number {
    return slot * SLOT_BYTES;
  }

  /**
   * Queues a write of `values[i]` into slot i (every field by name).
   * @throws EngineError('internal') when there are more values than slots
   */
  write(values: readonly V[]): void {
    if (values.length > this.slots) throw new EngineError(`WebGPU engine: ${values.length} uniform values for ${this.slots} slots`, 'internal');
    const size = this.view.arrayBuffer.byteLength;
    values.forEach((v, i) => {
      this.view.set(v);
      new Uint8Array(this.staging, i * SLOT_BYTES, size).set(new Uint8Array(this.view.arrayBuffer));
    });
    this.device.queue.writeBuffer(this.buffer, 0, this.staging, 0, values.length * SLOT_BYTES);
  }
}
