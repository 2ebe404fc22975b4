// webgpu-utils (shader reflection: uniform/storage layouts, bind group layouts), loaded after
// the Float16Array stand-in it needs on Node 20.
import './float16Shim.ts';
export { makeBindGroupLayoutDescriptors, makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
export type { ShaderDataDefinitions, StructDefinition, StructuredView } from 'webgpu-utils';
