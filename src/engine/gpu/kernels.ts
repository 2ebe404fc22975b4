// Compute pipelines of the bandit kernels with layouts from shader reflection (webgpu-utils):
// no hand-written bind group layouts or byte offsets. The `step` uniform of every kernel is
// bound with a dynamic offset (one 256-byte slot per update or evaluation chunk).
import { makeBindGroupLayoutDescriptors, makeShaderDataDefinitions, makeStructuredView, type ShaderDataDefinitions, type StructuredView } from './webgpuUtils.ts';
import { EngineError } from '../types.ts';
import { composeKernel, KERNEL_NAMES, type KernelName } from './shaderModules.ts';

export interface Kernel {
  name: KernelName;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  defs: ShaderDataDefinitions;
  /** binding number of each named resource the entry point uses */
  bindings: Map<string, number>;
}

export type KernelSet = Record<KernelName, Kernel>;

/** Kernels tiled TILE × TILE (the others use fixed 1-D workgroups). */
const TILED: ReadonlySet<KernelName> = new Set(['affine_logits', 'bernoulli_children_credit', 'weight_gradient']);

/**
 * `tile`: edge of the TILE × TILE workgroups of the tiled kernels; `depth`: elements of the
 * reduced dimension staged per barrier (TILE × DEPTH floats per operand in workgroup memory).
 */
export function createKernel(device: GPUDevice, files: Map<string, string>, name: KernelName, tile: number, depth = 64): Kernel {
  const code = composeKernel(files, name);
  const module = device.createShaderModule({ label: `${name}.wgsl`, code });
  const defs = makeShaderDataDefinitions(code);
  const compute: GPUProgrammableStage = { module, entryPoint: 'main' };
  if (TILED.has(name)) compute.constants = { TILE: tile, DEPTH: depth };
  const [descriptor] = makeBindGroupLayoutDescriptors(defs, { compute });
  // only the resources the entry point uses appear in the layout (and need a buffer)
  const used = new Set(descriptor.entries.map((e) => e.binding));
  const bindings = new Map<string, number>();
  for (const group of [defs.uniforms, defs.storages]) for (const [varName, v] of Object.entries(group)) if (used.has(v.binding)) bindings.set(varName, v.binding);
  const stepBinding = bindings.get('step');
  if (stepBinding === undefined) throw new EngineError(`WebGPU engine: kernel ${name} has no step uniform`, 'internal');
  const entries = [...descriptor.entries].map((e) => (e.binding === stepBinding ? { ...e, buffer: { ...e.buffer, hasDynamicOffset: true } } : e));
  const layout = device.createBindGroupLayout({ label: `${name} layout`, entries });
  const pipeline = device.createComputePipeline({
    label: name,
    layout: device.createPipelineLayout({ label: `${name} pipeline layout`, bindGroupLayouts: [layout] }),
    compute,
  });
  return { name, pipeline, layout, defs, bindings };
}

export function createKernels(device: GPUDevice, files: Map<string, string>, tile: number, depth = 64): KernelSet {
  const out = {} as Record<KernelName, Kernel>;
  for (const name of KERNEL_NAMES) out[name] = createKernel(device, files, name, tile, depth);
  return out;
}

/** A bind group from named buffers; every binding of the kernel must be given. */
export function bindKernel(device: GPUDevice, kernel: Kernel, label: string, resources: Record<string, GPUBuffer | { buffer: GPUBuffer; size: number }>): GPUBindGroup {
  const entries: GPUBindGroupEntry[] = [];
  for (const [name, binding] of kernel.bindings) {
    const resource = resources[name];
    // a resource given but unused by the kernel is ignored
    if (!resource) throw new EngineError(`WebGPU engine: ${label}: no buffer for ${kernel.name}.${name}`, 'internal');
    entries.push({ binding, resource: 'buffer' in resource ? { buffer: resource.buffer, size: resource.size } : { buffer: resource } });
  }
  return device.createBindGroup({ label, layout: kernel.layout, entries });
}

/** A structured view of a uniform struct (the same definition in every kernel). */
export function uniformView(kernel: Kernel, name: 'step' | 'layer'): StructuredView {
  const v = kernel.defs.uniforms[name];
  if (!v) throw new EngineError(`WebGPU engine: kernel ${kernel.name} has no uniform ${name}`, 'internal');
  return makeStructuredView(v);
}
