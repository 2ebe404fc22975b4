// Soak (issue 15; not part of npm test): many updates of a small configuration, sampling the JS
// heap after garbage collection (and, on WebGPU, the bytes of live GPU buffers) to find leaks.
//   node --expose-gc --import tsx bench/soak.ts [--engine cpu|webgpu] [--updates N] [--samples N]
// Prints one line per sample and the growth after warm-up (the first 10% of updates), both in
// total and per 100 000 updates, beside the bytes the per-epoch records hold by design.
import { parseArgs } from 'node:util';
import { train } from '../src/engine/trainer.ts';
import type { BanditConfig } from '../src/engine/types.ts';
import { PAPER_OPTIMIZER } from '../src/engine/types.ts';
import { openEngine } from '../src/cli/openEngine.ts';
import { loadMnist } from '../src/node/mnist.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'cpu' },
    updates: { type: 'string' },
    samples: { type: 'string', default: '20' },
  },
});
const engineChoice = values.engine === 'webgpu' ? 'webgpu' : values.engine === 'cpu' ? 'cpu' : undefined;
if (!engineChoice) throw new Error(`--engine: expected cpu or webgpu, got '${values.engine}'`);
const updates = Number(values.updates ?? (engineChoice === 'cpu' ? 1_000_000 : 20_000));
const samples = Number(values.samples);
if (!Number.isInteger(updates) || updates < 1000 || !Number.isInteger(samples) || samples < 4) throw new Error('--updates ≥ 1000 and --samples ≥ 4, integers');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (the heap is sampled after a full collection)');

// live GPU buffer bytes: wrap createBuffer / destroy on the device the engine gets
let gpuBytes = 0;
const live = new WeakSet<GPUBuffer>();
function trackDevice(device: GPUDevice): void {
  const create = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor): GPUBuffer => {
    const buffer = create(descriptor);
    gpuBytes += buffer.size;
    live.add(buffer);
    const destroy = buffer.destroy.bind(buffer);
    buffer.destroy = (): undefined => {
      if (live.has(buffer)) {
        live.delete(buffer);
        gpuBytes -= buffer.size;
      }
      return destroy();
    };
    return buffer;
  };
}
if (engineChoice === 'webgpu') {
  const { nodeGpu } = await import('../src/node/webgpuNode.ts');
  const gpu = await nodeGpu();
  const request = gpu.requestAdapter.bind(gpu);
  gpu.requestAdapter = async (options?: GPURequestAdapterOptions) => {
    const adapter = await request(options);
    if (adapter) {
      const requestDevice = adapter.requestDevice.bind(adapter);
      adapter.requestDevice = async (descriptor?: GPUDeviceDescriptor) => {
        const device = await requestDevice(descriptor);
        trackDevice(device);
        return device;
      };
    }
    return adapter;
  };
}

const data = loadMnist({ trainLimit: 10_000, testLimit: 200 });
const config: BanditConfig = { task: 'bandit', hidden: 2, width: 16, hiddenValues: 'pm1', estimators: ['hnca'], seeds: [0], batch: 10, ...PAPER_OPTIMIZER, lr: 1e-3 };
const { engine, why } = await openEngine(engineChoice, { config, data }, 1);
const epochs = Math.ceil(updates / engine.updatesPerEpoch);
const every = Math.max(1, Math.floor(epochs / samples));
console.log(`soak: ${why}; ${epochs} epochs × ${engine.updatesPerEpoch} updates (hidden 2 × 16, batch 10), heap sampled every ${every} epochs`);

const points: { updates: number; heap: number; gpu: number }[] = [];
const sample = (): void => {
  gc();
  gc();
  points.push({ updates: engine.updatesDone, heap: process.memoryUsage().heapUsed, gpu: gpuBytes });
  const p = points[points.length - 1];
  console.log(`  ${String(p.updates).padStart(9)} updates  heap ${(p.heap / 2 ** 20).toFixed(2)} MiB${engineChoice === 'webgpu' ? `  GPU buffers ${(p.gpu / 2 ** 20).toFixed(2)} MiB` : ''}`);
};
const started = performance.now();
// train in slices of `every` epochs, keeping no records between slices: what grows then is the
// engine and the loop, not the results (which a caller keeps by design)
let recordBytes = 0;
for (let done = 0; done < epochs; done += every) {
  const slice = Math.min(every, epochs - done);
  const result = await train(engine, {
    epochs: slice,
    evaluateEvery: slice,
    chunk: 200,
    yieldBetweenChunks: () => new Promise((resolve) => setImmediate(resolve)),
  });
  recordBytes += JSON.stringify(result.runs).length;
  sample();
}
engine.dispose();
const seconds = (performance.now() - started) / 1000;

const warm = points.find((p) => p.updates >= updates * 0.1) ?? points[0];
const last = points[points.length - 1];
const after = points.filter((p) => p.updates >= warm.updates);
// least-squares slope of heap against updates after warm-up
const mx = after.reduce((a, p) => a + p.updates, 0) / after.length;
const my = after.reduce((a, p) => a + p.heap, 0) / after.length;
const slope = after.reduce((a, p) => a + (p.updates - mx) * (p.heap - my), 0) / Math.max(1e-9, after.reduce((a, p) => a + (p.updates - mx) ** 2, 0));
console.log(
  `soak: ${last.updates} updates in ${seconds.toFixed(0)} s; heap after warm-up ${(warm.heap / 2 ** 20).toFixed(2)} → ${(last.heap / 2 ** 20).toFixed(2)} MiB ` +
    `(growth ${((last.heap - warm.heap) / 2 ** 10).toFixed(0)} KiB; fitted ${((slope * 100_000) / 2 ** 10).toFixed(1)} KiB per 100 000 updates); ` +
    `the per-epoch records (dropped between samples) would hold ${(recordBytes / 2 ** 10).toFixed(0)} KiB as JSON` +
    (engineChoice === 'webgpu' ? `; GPU buffers ${(warm.gpu / 2 ** 20).toFixed(2)} → ${(last.gpu / 2 ** 20).toFixed(2)} MiB` : ''),
);
