// WebGPU in Node through Dawn's `webgpu` package (src/node/webgpuNode.ts sets up SwiftShader
// when there is no GPU): the adapter (never faked) and our WebGPU engine as a bench contender.
import { createWebGpuEngine } from '../../src/backends/webgpu/index.ts';
import type { EngineFactoryInput, TrainingEngine } from '../../src/engine/types.ts';
import { loadShaderSources } from '../../src/node/shaderSources.ts';
import { nodeGpu } from '../../src/node/webgpuNode.ts';

export interface NodeGpu {
  gpu: GPU;
  description: string;
}

/** "vendor architecture device (description)" of an adapter. */
export function adapterName(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const name = [info.vendor, info.architecture, info.device].filter((s) => s).join(' ');
  return info.description ? `${name} (${info.description})` : name || 'unnamed adapter';
}

/** Dawn's GPU object and its adapter's name, or the reason there is none. */
export async function openNodeGpu(): Promise<NodeGpu | string> {
  let gpu: GPU;
  try {
    gpu = await nodeGpu();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return `requestAdapter() returned null (no Vulkan driver; VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'})`;
  return { gpu, description: adapterName(adapter.info) };
}

/** Our WebGPU engine on `gpu`; shaders from $HNCA_SHADER_DIR (the GPU bundle) or shaders/. */
export function createOurWebGpuEngine(input: EngineFactoryInput, gpu: GPU): Promise<TrainingEngine> {
  const dir = process.env.HNCA_SHADER_DIR;
  const shaders = loadShaderSources(dir ? dir.replace(/\/?$/, '/') : undefined);
  return createWebGpuEngine(input, { gpu, shaders, errorScopes: false });
}
