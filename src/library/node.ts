/// <reference types="@webgpu/types" preserve="true" />
// The library's Node adapters ("./node" in package.json's exports map): Dawn's WebGPU in Node
// (the optional `webgpu` package), the WGSL sources read from the package's shaders/ folder,
// the CPU engine split across worker threads, and the MNIST IDX files.
//   import { createWebGpuEngine } from 'hnca-playground/webgpu';
//   import { nodeGpu, loadShaderSources } from 'hnca-playground/node';
//   const engine = await createWebGpuEngine({ config, data }, { gpu: await nodeGpu(), shaders: loadShaderSources() });
export { nodeGpu, prepareVulkanEnvironment, WEBGPU_MISSING_MESSAGE, type DawnModule } from '../node/webgpuNode.ts';
export { loadShaderSources, SHADER_DIR } from '../node/shaderSources.ts';
export { createThreadedCpuEngine } from '../node/threadedCpuEngine.ts';
export { loadMnist, defaultMnistDir, MNIST_FILES, TRAIN_IMAGES_SHA256, type LoadMnistOptions } from '../node/mnist.ts';
