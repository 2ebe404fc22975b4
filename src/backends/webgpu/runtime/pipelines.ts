// Compute pipelines with bind-group layouts from shader reflection (webgpu-utils): no
// hand-written layouts or byte offsets. A program declares each kernel as a KernelSpec (its
// file, its includes, its generated constants and bindings, its workgroup; the kernel catalog,
// src/backends/webgpu/kernels/catalog.ts, writes them for the programs); pipelines are cached
// per device by shader key (the composed code and the dynamic uniforms), as
// tfjs-backend-webgpu caches its programs, so engines on one device share them.
import { makeBindGroupLayoutDescriptors, makeShaderDataDefinitions, makeStructuredView, type ShaderDataDefinitions, type StructuredView } from './webgpuUtils.ts';
import { EngineError } from '../../../engine/types.ts';
import { requireLimit } from './limits.ts';
import { composeShader, type GeneratedWgsl } from './shaderModules.ts';

/**
 * One compute kernel as its program declares it (entry point `main`, bind group 0). `defines`
 * and `bindings` (shaderModules.ts GeneratedWgsl) are generated into its WGSL.
 */
export interface KernelSpec extends GeneratedWgsl {
  /** the kernel's name (labels and messages) */
  name: string;
  /** the WGSL file holding `main` (default `${name}.wgsl`) */
  file?: string;
  /** WGSL snippets prepended to the file, in order (e.g. ['rng.wgsl', 'common.wgsl']) */
  includes: readonly string[];
  /** uniforms bound with a dynamic offset (one slot of a UniformSlots per dispatch) */
  dynamicUniforms?: readonly string[];
  /** invocations per workgroup [x, y, z] and workgroup memory in bytes, checked against the device limits */
  workgroup?: { size: readonly [number, number, number]; storageBytes?: number };
}

/** A compiled kernel: its pipeline, its reflected layout and the bindings `main` uses. */
export interface Kernel {
  name: string;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  /** reflection of the composed WGSL (uniform and storage definitions, structs) */
  defs: ShaderDataDefinitions;
  /** binding number of each named resource the entry point uses */
  bindings: Map<string, number>;
  /** invocations per workgroup [x, y, z] as declared (KernelSpec.workgroup; [1, 1, 1] when undeclared) */
  workgroupSize: readonly [number, number, number];
}

const caches = new WeakMap<GPUDevice, Map<string, Kernel>>();

/**
 * Checks the limits a kernel can hit when its pipeline is created: workgroup size and memory,
 * storage and uniform buffers per stage, dynamic uniforms per pipeline layout.
 * @throws EngineError('limits') naming the kernel, the limit and the value
 */
function checkKernelLimits(device: GPUDevice, spec: KernelSpec, entries: readonly GPUBindGroupLayoutEntry[]): void {
  const what = `kernel ${spec.name}`;
  if (spec.workgroup) {
    const [x, y, z] = spec.workgroup.size;
    requireLimit(device, 'maxComputeWorkgroupSizeX', x, `${what} (workgroup ${x} × ${y} × ${z})`);
    requireLimit(device, 'maxComputeWorkgroupSizeY', y, `${what} (workgroup ${x} × ${y} × ${z})`);
    requireLimit(device, 'maxComputeWorkgroupSizeZ', z, `${what} (workgroup ${x} × ${y} × ${z})`);
    requireLimit(device, 'maxComputeInvocationsPerWorkgroup', x * y * z, `${what} (workgroup ${x} × ${y} × ${z})`);
    if (spec.workgroup.storageBytes !== undefined) requireLimit(device, 'maxComputeWorkgroupStorageSize', spec.workgroup.storageBytes, `${what} (workgroup memory)`);
  }
  const storage = entries.filter((e) => e.buffer?.type === 'storage' || e.buffer?.type === 'read-only-storage').length;
  const uniform = entries.filter((e) => e.buffer?.type === 'uniform' || (e.buffer !== undefined && e.buffer.type === undefined)).length;
  requireLimit(device, 'maxStorageBuffersPerShaderStage', storage, `${what} (${storage} storage buffers)`);
  requireLimit(device, 'maxUniformBuffersPerShaderStage', uniform, `${what} (${uniform} uniform buffers)`);
  requireLimit(device, 'maxDynamicUniformBuffersPerPipelineLayout', spec.dynamicUniforms?.length ?? 0, `${what} (dynamic uniforms)`);
}

/**
 * The reflection of composed WGSL (webgpu-utils: its structs, uniforms and storage buffers).
 * @throws EngineError('internal') naming the kernel when the WGSL does not parse
 */
function reflect(kernel: string, code: string): ShaderDataDefinitions {
  try {
    return makeShaderDataDefinitions(code);
  } catch (error) {
    throw new EngineError(`WebGPU engine: kernel ${kernel}: its WGSL does not parse (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`, 'internal');
  }
}

/**
 * The kernel of `spec` on `device`, compiled once per device and shader key. Only the
 * resources `main` uses are in the layout (and need a buffer in bindKernel).
 * @param files the WGSL sources by file name (runtime/shaderModules.ts normalizeSources)
 * @throws EngineError('internal') for a missing source, WGSL the reflection cannot parse, or a
 * declared dynamic uniform the kernel lacks; EngineError('limits') when the kernel exceeds a device limit (checkKernelLimits)
 */
export function createKernel(device: GPUDevice, files: ReadonlyMap<string, string>, spec: KernelSpec): Kernel {
  const file = spec.file ?? `${spec.name}.wgsl`;
  const code = composeShader(files, spec.includes, file, spec);
  const dynamic = spec.dynamicUniforms ?? [];
  const key = `${code}\n// dynamic ${dynamic.join(',')}`;
  let cache = caches.get(device);
  if (!cache) caches.set(device, (cache = new Map()));
  const cached = cache.get(key);
  if (cached) {
    // limits are per device, the same for every hit; the name may differ (same code, new label)
    return cached.name === spec.name ? cached : { ...cached, name: spec.name };
  }
  const defs = reflect(spec.name, code);
  const module = device.createShaderModule({ label: file, code });
  const compute: GPUProgrammableStage = { module, entryPoint: 'main' };
  const [descriptor] = makeBindGroupLayoutDescriptors(defs, { compute });
  const used = new Set([...descriptor.entries].map((e) => e.binding));
  const bindings = new Map<string, number>();
  for (const group of [defs.uniforms, defs.storages]) for (const [varName, v] of Object.entries(group)) if (used.has(v.binding)) bindings.set(varName, v.binding);
  const dynamicBindings = new Set<number>();
  for (const name of dynamic) {
    const binding = bindings.get(name);
    if (binding === undefined) throw new EngineError(`WebGPU engine: kernel ${spec.name} has no ${name} uniform`, 'internal');
    dynamicBindings.add(binding);
  }
  const entries = [...descriptor.entries].map((e) => (dynamicBindings.has(e.binding) ? { ...e, buffer: { ...e.buffer, hasDynamicOffset: true } } : e));
  checkKernelLimits(device, spec, entries);
  const layout = device.createBindGroupLayout({ label: `${spec.name} layout`, entries });
  const pipeline = device.createComputePipeline({
    label: spec.name,
    layout: device.createPipelineLayout({ label: `${spec.name} pipeline layout`, bindGroupLayouts: [layout] }),
    compute,
  });
  const kernel: Kernel = { name: spec.name, pipeline, layout, defs, bindings, workgroupSize: spec.workgroup?.size ?? [1, 1, 1] };
  cache.set(key, kernel);
  return kernel;
}

/**
 * A buffer to bind: the whole buffer, or `size` bytes of it from byte `offset` (default 0; a
 * uniform slot, or one layer's region of a storage buffer, offset a multiple of the device's
 * minStorageBufferOffsetAlignment).
 */
export type BindingResource = GPUBuffer | { buffer: GPUBuffer; size: number; offset?: number };

/**
 * A bind group of `kernel` from named buffers (the WGSL variable names). Every binding the
 * kernel uses must be given; resources the kernel does not use are ignored.
 * @throws EngineError('internal') naming a missing buffer
 */
export function bindKernel(device: GPUDevice, kernel: Kernel, label: string, resources: Readonly<Record<string, BindingResource>>): GPUBindGroup {
  const entries: GPUBindGroupEntry[] = [];
  for (const [name, binding] of kernel.bindings) {
    const resource = resources[name];
    if (!resource) throw new EngineError(`WebGPU engine: ${label}: no buffer for ${kernel.name}.${name}`, 'internal');
    entries.push({ binding, resource: 'buffer' in resource ? { buffer: resource.buffer, size: resource.size, offset: resource.offset ?? 0 } : { buffer: resource } });
  }
  return device.createBindGroup({ label, layout: kernel.layout, entries });
}

/**
 * A structured view (webgpu-utils) of the uniform `name` of a kernel, to fill by field name.
 * @throws EngineError('internal') when the kernel has no such uniform
 */
export function uniformView(kernel: Kernel, name: string): StructuredView {
  const v = kernel.defs.uniforms[name];
  if (!v) throw new EngineError(`WebGPU engine: kernel ${kernel.name} has no uniform ${name}`, 'internal');
  return makeStructuredView(v);
}
