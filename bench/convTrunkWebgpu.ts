// The conv bandit's trunk (docs/math.md §7.2) on tfjs-backend-webgpu registered on our device
// (src/trunk/webgpuTrunk.ts), in Node on Dawn (SwiftShader where there is no GPU): ms per forward
// pass, and per forward + backward (per-example gradients, the variance metric's second moments),
// with our buffers in and out and the queue drained after each. The part of a WebGPU conv-bandit
// update the library runs; the Bernoulli layer, credit, signals and Adam would be our kernels.
// Run alone: node --import tsx bench/convTrunkWebgpu.ts
// Measured on SwiftShader (2 shared vCPUs, load average 6.6), BENCH_SECONDS=4: paper size
// (2 conv × 16 ch, 200 units, batch 50) forward 12387 ms, forward + backward 52046 ms; 1 conv × 4
// ch, 32 units, batch 20: forward 520 ms, forward + backward 2094 ms. For comparison the CPU
// engine's trunk on tfjs WASM (bench/convBandit.ts): forward 65 ms, a whole update 477 ms.
import { loadMnist } from '../src/node/mnist.ts';
import { nodeGpu } from '../src/node/webgpuNode.ts';
import { describeAdapter } from '../src/backends/webgpu/runtime/adapter.ts';
import { allocSparseRows, binarizeRows, testBinarizeKey } from '../src/data/minibatch.ts';
import { convBanditShape, initConvBanditParameters } from '../src/models/convBandit/parameters.ts';
import { useTrunkWebGpuBackend, WebGpuTrunk } from '../src/trunk/webgpuTrunk.ts';

/** Mean ms of `work` over at least `seconds` (at least 3 calls, after one warm-up call). */
async function msPer(work: () => Promise<void>, seconds: number): Promise<number> {
  await work();
  const start = performance.now();
  let n = 0;
  while (n < 3 || performance.now() - start < seconds * 1000) {
    await work();
    n++;
  }
  return (performance.now() - start) / n;
}

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const data = loadMnist({ trainLimit: 1000, testLimit: 100 });
const gpu = await nodeGpu();
const adapter = await gpu.requestAdapter();
if (!adapter) throw new Error('no WebGPU adapter (run where npm test finds SwiftShader, or on a GPU)');
const limits: Record<string, number> = {};
for (const name of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxStorageBuffersPerShaderStage'] as const) limits[name] = adapter.limits[name];
const device = await adapter.requestDevice({ label: 'bench device', requiredLimits: limits });
await useTrunkWebGpuBackend(device, gpu);
console.log(`adapter: ${describeAdapter(adapter.info)}`);
const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
const upload = (values: Float32Array): GPUBuffer => {
  const b = device.createBuffer({ size: values.byteLength, usage });
  device.queue.writeBuffer(b, 0, values);
  return b;
};
for (const { convLayers, channels, width, batch } of [
  { convLayers: 2, channels: 16, width: 200, batch: 50 },
  { convLayers: 1, channels: 4, width: 32, batch: 20 },
] as const) {
  const shape = convBanditShape({ convLayers, channels, width, hiddenValues: 'pm1' }, data.rows, data.cols, data.classes);
  const rows = allocSparseRows(batch, data.pixels);
  binarizeRows(data.train, data.pixels, Uint32Array.from({ length: batch }, (_, b) => b), testBinarizeKey(0, 0), rows);
  const dense = new Float32Array(batch * data.pixels);
  for (let b = 0; b < batch; b++) for (let k = rows.onStart[b]; k < rows.onStart[b + 1]; k++) dense[b * data.pixels + rows.onIndex[k]] = 1;
  const trunkTensors = initConvBanditParameters(shape, 1).trunkTensors;
  const pixels = upload(dense);
  const tensors = trunkTensors.map((t) => upload(t.value));
  const logits = upload(new Float32Array(batch * width));
  const signal = upload(Float32Array.from({ length: batch * width }, (_, i) => Math.sin(i)));
  const grads = trunkTensors.map((t) => ({ buffer: upload(new Float32Array(t.size)), offset: 0 }));
  const second = { buffer: upload(new Float32Array(convLayers + 1)), offset: 0 };
  const trunk = new WebGpuTrunk(shape, device);
  const forward = await msPer(async () => {
    trunk.forward(pixels, batch, tensors, { buffer: logits, offset: 0 }).dispose();
    await device.queue.onSubmittedWorkDone();
  }, seconds);
  const both = await msPer(async () => {
    const pass = trunk.forward(pixels, batch, tensors, { buffer: logits, offset: 0 });
    pass.backward(signal, grads, second);
    pass.dispose();
    await device.queue.onSubmittedWorkDone();
  }, seconds);
  console.log(`${convLayers} conv × ${channels} ch, ${width} units, batch ${batch}: forward ${forward.toFixed(1)} ms, forward + backward ${both.toFixed(1)} ms`);
  for (const b of [pixels, logits, signal, second.buffer, ...tensors, ...grads.map((g) => g.buffer)]) b.destroy();
}
device.destroy();
