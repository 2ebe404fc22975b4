// The conv bandit's trunk (docs/math.md §7.2) on tfjs-backend-webgpu registered on the engine's own
// GPUDevice, with its inputs, parameters and outputs in the engine's GPUBuffers: nothing goes
// through the CPU. Our buffers are wrapped as tensors without a copy (`{ buffer, zeroCopy: true }`);
// the library's results come back as its own buffers (`dataToGPU`, a GPU-to-GPU copy) that are
// copied into ours on the GPU. The engine owns every buffer it passes here; this module owns
// only the tensors and the copies it makes, and releases them in `dispose`.
//
// Ordering: every buffer the trunk reads must be written by work already submitted to the
// device's queue (the library encodes lazily and submits on its own schedule, and the queue runs
// submissions in order). `dataToGPU` submits the library's pending work, so the copies into our
// buffers are submitted after the work that produced them, and our later submissions (the
// Bernoulli layer, Adam) run after the library's reads of our buffers.
//
// The math is tfjsTrunk.ts's (the same ops, so the same float32 results within rounding): the
// gradients' transposes are done by the library here (on the GPU) instead of on the CPU.
import * as tf from '@tensorflow/tfjs-core';
import { convOutputSize, convBanditLayout, featureCount, KERNEL, type ConvBanditShape } from '../models/convBandit/parameters.ts';
import { linearLayerVariance, perExampleVariance } from './trunkVariance.ts';

/** Usage every buffer wrapped as a tensor must have (tfjs-backend-webgpu's zero-copy contract): STORAGE | COPY_SRC. */
export function trunkInputUsage(): GPUBufferUsageFlags {
  return GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;
}

/** The device and factory of the 'webgpu' back end this module registered last. */
let registered: { device: GPUDevice; factory: () => tf.KernelBackend } | null = null;

/**
 * Registers tfjs-backend-webgpu on `device` (the engine's device, so that buffers pass between
 * the library and our kernels) under the name 'webgpu', and makes it the active tfjs back end.
 * A 'webgpu' back end registered on another device (the package registers its own on import
 * where `navigator.gpu` exists) is removed first; tensors held on it are lost. The package's
 * back end refuses to start without `navigator.gpu`: in Node (Dawn's `webgpu` package) pass the
 * GPU object the device came from as `gpu`, and it is installed as `navigator.gpu`.
 * @throws Error when there is no `navigator.gpu` and no `gpu`, or the back end cannot start on the device, saying why
 */
export async function useTrunkWebGpuBackend(device: GPUDevice, gpu?: GPU): Promise<{ why: string }> {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (!g.navigator?.gpu) {
    if (!gpu) throw new Error('the TensorFlow.js WebGPU back end needs navigator.gpu: this environment has none and no GPU object was given');
    if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  // the package may register its own 'webgpu' factory (on a device of its own) whenever its
  // module is evaluated with navigator.gpu present: ours replaces any factory that is not ours
  if (registered?.device !== device || tf.engine().registryFactory['webgpu']?.factory !== registered.factory) {
    if (tf.engine().registryFactory['webgpu'] !== undefined) tf.removeBackend('webgpu');
    const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    const factory = (): InstanceType<typeof WebGPUBackend> => new WebGPUBackend(device, info);
    if (!tf.registerBackend('webgpu', factory)) throw new Error('TensorFlow.js refused to register the WebGPU back end');
    registered = { device, factory };
  }
  // every op on the GPU: the back end otherwise computes ops whose inputs are all small and on
  // the CPU there, and a result held on the CPU has no buffer for dataToGPU ("Data is not on GPU but on CPU")
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  if (!(await tf.setBackend('webgpu'))) throw new Error('the TensorFlow.js WebGPU back end did not start on the engine device');
  await tf.ready();
  return { why: 'TensorFlow.js WebGPU back end on the engine device' };
}

/** A range of one of our buffers that a result is copied into (offset in bytes, a multiple of 4). */
export interface BufferSlot {
  buffer: GPUBuffer;
  offset: number;
}

/** One forward pass of the trunk on the GPU, kept until disposed so that it can be differentiated. */
export interface GpuTrunkPass {
  /**
   * Backpropagates the units' learning signals as the gradient of their logits, ∂/∂u_bi = S_bi
   * (ascent, docs/math.md §7.2). `signal`: our buffer holding S [batch, width] float32 from byte 0
   * (usage STORAGE | COPY_SRC). Copies the batch-mean gradient of every trunk tensor, input-major
   * as the tensor's own layout (convBanditLayout: [K0, k0, (K1, k1,) W, b]), into `grads[k]`, and
   * per trunk layer (each convolution, then the linear layer) the gradient-variance metric's sum,
   * Σ over the layer's weights and biases of the batch variance of the per-example gradients, by
   * shifted sums (float32 [convLayers + 1], ≥ 0, 0 at batch 1; docs/math.md §4, trunkVariance.ts)
   * into `variance`. The copies are submitted to the device's queue before this returns.
   * @throws RangeError for a wrong number of gradient slots; Error after dispose()
   */
  backward(signal: GPUBuffer, grads: readonly BufferSlot[], variance: BufferSlot): void;
  /** Releases the pass's tensors (backward cannot be called after). Our buffers are untouched. */
  dispose(): void;
}

/** The trunk of one conv-bandit network shape on the active 'webgpu' back end (useTrunkWebGpuBackend). */
export class WebGpuTrunk {
  private readonly layout: ReturnType<typeof convBanditLayout>;

  /** @throws RangeError when the shape has no convolution */
  constructor(
    readonly shape: ConvBanditShape,
    private readonly device: GPUDevice,
  ) {
    if (shape.convLayers < 1) throw new RangeError(`the trunk needs at least one convolution, got ${shape.convLayers}`);
    this.layout = convBanditLayout(shape).slice(0, 2 * shape.convLayers + 2);
  }

  /** Bytes the trunk's tensor k holds (the least size of the buffer passed for it). */
  tensorBytes(k: number): number {
    return 4 * this.layout[k].shape.reduce((a, b) => a * b, 1);
  }

  /**
   * The forward pass of `batch` images. `pixels`: our buffer of 0/1 float32 values
   * [batch, rows · cols] from byte 0; `tensors`: our buffers of the trunk's tensors, float32 in
   * convBanditLayout's layout from byte 0 (all with usage STORAGE | COPY_SRC, written by work
   * already submitted). Copies the Bernoulli logits u = W·flatten(conv(…)) + b, float32
   * [batch, width], into `logits`, submitted before this returns.
   * @throws RangeError when a buffer is smaller than its tensor, lacks the usage, or the count of tensors is wrong
   */
  forward(pixels: GPUBuffer, batch: number, tensors: readonly GPUBuffer[], logits: BufferSlot): GpuTrunkPass {
    const { shape } = this;
    const count = 2 * shape.convLayers + 2;
    if (tensors.length !== count) throw new RangeError(`the trunk takes ${count} tensors, got ${tensors.length}`);
    checkInput(pixels, 4 * batch * shape.rows * shape.cols, 'the pixel buffer');
    tensors.forEach((t, k) => checkInput(t, this.tensorBytes(k), `trunk tensor ${this.layout[k].name}`));
    checkOutput(logits, 4 * batch * shape.width, 'the logit buffer');
    const features = featureCount(shape);
    // every tensor made here is kept in `held` until dispose()
    const held: tf.Tensor[] = [];
    const keep = <T extends tf.Tensor>(t: T): T => {
      held.push(t);
      return t;
    };
    const wrap = (buffer: GPUBuffer, dims: number[]): tf.Tensor => keep(tf.tensor({ buffer, zeroCopy: true }, dims, 'float32'));
    const params = tensors.map((b, k) => wrap(b, this.layout[k].shape));
    const inputs: tf.Tensor4D[] = [wrap(pixels, [batch, shape.rows, shape.cols, 1]) as tf.Tensor4D];
    const preActivations: tf.Tensor4D[] = [];
    for (let l = 0; l < shape.convLayers; l++) {
      const pre = keep(tf.tidy(() => tf.add<tf.Tensor4D>(tf.conv2d(inputs[l], params[2 * l] as tf.Tensor4D, 1, 'valid'), params[2 * l + 1])));
      preActivations.push(pre);
      inputs.push(keep(tf.relu(pre)));
    }
    const flat = keep(tf.reshape(inputs[shape.convLayers], [batch, features]));
    const dense = params[2 * shape.convLayers] as tf.Tensor2D;
    const u = tf.tidy(() => tf.add(tf.matMul(flat, dense), params[2 * shape.convLayers + 1]));
    this.copyOut([{ tensor: u, to: logits }]);
    u.dispose();
    let disposed = false;
    return {
      backward: (signal, grads, variance) => {
        if (disposed) throw new Error('the trunk pass was disposed');
        if (grads.length !== count) throw new RangeError(`backward needs ${count} gradient slots, got ${grads.length}`);
        checkInput(signal, 4 * batch * shape.width, 'the signal buffer');
        grads.forEach((g, k) => checkOutput(g, this.tensorBytes(k), `the gradient of ${this.layout[k].name}`));
        checkOutput(variance, 4 * (shape.convLayers + 1), 'the variance buffer');
        const results = tf.tidy(() => {
          const dU = tf.tensor({ buffer: signal, zeroCopy: true }, [batch, shape.width], 'float32') as tf.Tensor2D;
          // g_W = fᵀ·S / B, input-major [features, width]
          const gradW = tf.div(tf.matMul(tf.transpose(flat), dU), batch);
          const gradB = tf.mean(dU, 0);
          // linear layer: g_b = f̃_b s_bᵀ, never formed; its variance by shifted sums (docs/math.md §4)
          const denseVariance = linearLayerVariance(flat, dU, gradW, gradB);
          let dA: tf.Tensor4D = tf.mul<tf.Tensor4D>(tf.reshape(tf.matMul(dU, tf.transpose(dense)), preActivations[shape.convLayers - 1].shape), tf.step(preActivations[shape.convLayers - 1]));
          const convGrads: tf.Tensor[] = [];
          const convVariance: tf.Tensor[] = [];
          for (let l = shape.convLayers - 1; l >= 0; l--) {
            const { rows, cols } = convOutputSize(shape, l);
            const inChannels = l === 0 ? 1 : shape.channels;
            const dA3 = tf.reshape(dA, [batch, rows * cols, shape.channels]);
            // per example: filter gradient [B, 9·inC, C] (HWIO rows) and bias gradient [B, C]
            const filterPerExample = tf.matMul(patches(inputs[l]), dA3, true, false);
            const biasPerExample = tf.sum(dA3, 1);
            const means = [tf.mean(filterPerExample, 0), tf.mean(biasPerExample, 0)];
            convVariance.unshift(perExampleVariance([filterPerExample, biasPerExample], means, batch));
            convGrads.unshift(tf.reshape(means[0], [KERNEL, KERNEL, inChannels, shape.channels]), means[1]);
            if (l > 0) dA = tf.mul<tf.Tensor4D>(tf.conv2dTranspose(dA, params[2 * l] as tf.Tensor4D, inputs[l].shape, 1, 'valid'), tf.step(preActivations[l - 1]));
          }
          return [...convGrads, gradW, gradB, tf.stack([...convVariance, denseVariance])];
        });
        this.copyOut([...grads.map((to, k) => ({ tensor: results[k], to })), { tensor: results[count], to: variance }]);
        for (const t of results) t.dispose();
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        for (const t of held) t.dispose();
      },
    };
  }

  /** Copies each tensor's values into our buffer slot on the GPU (dataToGPU, then one submitted copy encoder). */
  private copyOut(copies: readonly { tensor: tf.Tensor; to: BufferSlot }[]): void {
    const staged = copies.map(({ tensor, to }) => ({ data: tensor.dataToGPU(), bytes: 4 * tensor.size, to }));
    const encoder = this.device.createCommandEncoder({ label: 'trunk results into engine buffers' });
    for (const { data, bytes, to } of staged) {
      if (!data.buffer) throw new Error('the WebGPU back end gave no buffer for a trunk result');
      encoder.copyBufferToBuffer(data.buffer, 0, to.buffer, to.offset, bytes);
    }
    this.device.queue.submit([encoder.finish()]);
    for (const { data } of staged) data.tensorRef.dispose();
  }
}

/** The 3×3 patches of x [B, H, W, C] for a VALID convolution, [B, H'·W', 9·C] (index (dy·3 + dx)·C + c, as the filter's HWIO rows). */
function patches(x: tf.Tensor4D): tf.Tensor3D {
  const [batch, h, w, c] = x.shape;
  const oh = h - KERNEL + 1;
  const ow = w - KERNEL + 1;
  const parts: tf.Tensor4D[] = [];
  for (let dy = 0; dy < KERNEL; dy++) for (let dx = 0; dx < KERNEL; dx++) parts.push(tf.slice(x, [0, dy, dx, 0], [batch, oh, ow, c]));
  return tf.reshape(tf.concat(parts, 3), [batch, oh * ow, KERNEL * KERNEL * c]);
}

/** A buffer wrapped as a tensor: at least `bytes` long, with usage STORAGE | COPY_SRC. */
function checkInput(buffer: GPUBuffer, bytes: number, what: string): void {
  if (buffer.size < bytes) throw new RangeError(`${what} holds ${buffer.size} bytes, the trunk reads ${bytes}`);
  if ((buffer.usage & trunkInputUsage()) !== trunkInputUsage()) throw new RangeError(`${what} needs usage STORAGE | COPY_SRC to be read by the trunk`);
}

/** A slot a result is copied into: in range, 4-byte aligned, with usage COPY_DST. */
function checkOutput(slot: BufferSlot, bytes: number, what: string): void {
  if (slot.offset % 4 !== 0 || slot.offset < 0) throw new RangeError(`${what}: offset ${slot.offset} is not a non-negative multiple of 4`);
  if (slot.offset + bytes > slot.buffer.size) throw new RangeError(`${what} holds ${slot.buffer.size} bytes, the trunk writes ${bytes} from byte ${slot.offset}`);
  if ((slot.buffer.usage & GPUBufferUsage.COPY_DST) === 0) throw new RangeError(`${what} needs usage COPY_DST`);
}
