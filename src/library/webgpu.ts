/// <reference types="@webgpu/types" preserve="true" />
// The library's WebGPU engine ("./webgpu" in package.json's exports map): the bandit, VAE and
// conv bandit programs (docs/math.md §2, §3, §7.2) on a GPUDevice. The WGSL sources are passed
// in: in Node `loadShaderSources()` from "./node" (with Dawn's GPU from `nodeGpu()`); in a page,
// the package's shaders/*.wgsl files ("./shaders/*"), e.g. through a bundler's raw import.
export * from '../backends/webgpu/index.ts';
