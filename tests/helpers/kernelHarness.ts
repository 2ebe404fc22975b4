// Runs one WGSL kernel of shaders/ on given inputs (per-kernel tests): buffers are created
// from typed arrays, outputs are poisoned (NaN bits) first, the uniforms are written through
// webgpu-utils views, and chosen buffers are read back.
import { kernelSpec, type CatalogName } from '../../src/backends/webgpu/kernels/catalog.ts';
import { bindKernel, createKernel, uniformView } from '../../src/backends/webgpu/runtime/pipelines.ts';
import { normalizeSources } from '../../src/backends/webgpu/runtime/shaderModules.ts';
import { makeStructuredView } from '../../src/backends/webgpu/runtime/webgpuUtils.ts';
import { SHADERS, testDevice } from './gpuTest.ts';

export type Data = Float32Array | Uint32Array;

export interface KernelRun {
  /** a kernel of the catalog (kernels/catalog.ts) */
  kernel: CatalogName;
  layer: Record<string, number>;
  step: Record<string, number>;
  /** run states (RunState fields) */
  runs?: Record<string, number>[];
  inputs: Record<string, Data>;
  /** outputs: element counts (poisoned with 0x7fc00000 = NaN before the dispatch) */
  outputs: Record<string, number>;
  grid: [number, number, number];
  tile?: number;
  /** DEPTH of the tiled kernels (elements staged per barrier) */
  depth?: number;
}

const POISON = 0x7fc00000;

export async function runKernel(spec: KernelRun): Promise<Record<string, ArrayBuffer>> {
  const device = await testDevice();
  device.pushErrorScope('validation');
  const kernel = createKernel(device, normalizeSources(SHADERS), kernelSpec(spec.kernel, { tile: spec.tile ?? 16, depth: spec.depth ?? 64 }));
  const buffers: GPUBuffer[] = [];
  const make = (label: string, data: ArrayBufferView, usage: number): GPUBuffer => {
    const size = Math.max(16, Math.ceil(data.byteLength / 16) * 16);
    const b = device.createBuffer({ label, size, usage: usage | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
    device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
    buffers.push(b);
    return b;
  };
  const layer = uniformView(kernel, 'layer');
  layer.set(spec.layer);
  const step = uniformView(kernel, 'step');
  step.set(spec.step);
  const resources: Record<string, GPUBuffer> = {
    layer: make('layer', new Uint8Array(layer.arrayBuffer), GPUBufferUsage.UNIFORM),
    step: make('step', new Uint8Array(step.arrayBuffer), GPUBufferUsage.UNIFORM),
  };
  if (spec.runs) {
    const def = kernel.defs.structs.RunState;
    const bytes = new ArrayBuffer(def.size * spec.runs.length);
    spec.runs.forEach((r, i) => makeStructuredView(def, bytes, i * def.size).set({ finite: 1, ...r }));
    resources.runs = make('runs', new Uint8Array(bytes), GPUBufferUsage.STORAGE);
  }
  for (const [name, data] of Object.entries(spec.inputs)) resources[name] = make(name, data, GPUBufferUsage.STORAGE);
  for (const [name, count] of Object.entries(spec.outputs)) resources[name] ??= make(name, new Uint32Array(count).fill(POISON), GPUBufferUsage.STORAGE);
  const group = bindKernel(device, kernel, `${spec.kernel} test`, resources);
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(kernel.pipeline);
  pass.setBindGroup(0, group, [0]);
  pass.dispatchWorkgroups(...spec.grid);
  pass.end();
  const staging: Record<string, GPUBuffer> = {};
  for (const name of Object.keys(spec.outputs)) {
    const source = resources[name];
    const s = device.createBuffer({ label: `${name} staging`, size: source.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    buffers.push(s);
    encoder.copyBufferToBuffer(source, 0, s, 0, source.size);
    staging[name] = s;
  }
  device.queue.submit([encoder.finish()]);
  const error = await device.popErrorScope();
  if (error) throw new Error(`${spec.kernel}: ${error.message}`);
  const out: Record<string, ArrayBuffer> = {};
  for (const [name, s] of Object.entries(staging)) {
    await s.mapAsync(GPUMapMode.READ);
    out[name] = s.getMappedRange().slice(0, spec.outputs[name] * 4);
    s.unmap();
  }
  for (const b of buffers) b.destroy();
  return out;
}

/** max over elements of |gpu − cpu| / max(|cpu|, floor); fails on any NaN (a poisoned, unwritten output). */
export function maxRelativeError(gpu: ArrayLike<number>, cpu: ArrayLike<number>, floor = 1e-30): { worst: number; at: number } {
  if (gpu.length !== cpu.length) throw new Error(`length ${gpu.length} vs ${cpu.length}`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < cpu.length; i++) {
    const g = gpu[i];
    const c = cpu[i];
    if (Number.isNaN(g)) return { worst: Infinity, at: i };
    const e = Math.abs(g - c) / Math.max(Math.abs(c), floor);
    if (e > worst) {
      worst = e;
      at = i;
    }
  }
  return { worst, at };
}
