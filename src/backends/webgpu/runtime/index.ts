// The WebGPU runtime's public API, for programs (a model on the GPU) and for the engine factory.
export { acquireDevice, describeAdapter, isSoftwareAdapter, type AcquiredDevice } from './adapter.ts';
export { checkGrid, foldedGrid, requireLimit, type Grid, type LimitName } from './limits.ts';
export { MetricsReader, type MetricsWindow } from './metricsReader.ts';
export { bindKernel, createKernel, uniformView, type BindingResource, type Kernel, type KernelSpec } from './pipelines.ts';
export { GpuResources } from './resources.ts';
export { GpuRuntime, type RuntimeOptions } from './runtime.ts';
export { composeShader, normalizeSources, wgslBindings, wgslDefines, type GeneratedWgsl, type KernelBinding } from './shaderModules.ts';
export { SLOT_BYTES, UniformSlots } from './uniformSlots.ts';
export { makeStructuredView, type StructuredView } from './webgpuUtils.ts';
