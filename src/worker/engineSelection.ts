// Picks the engine inside the worker: the WebGPU engine when the browser has an adapter and
// the engine is part of the build, else the CPU engine, with the reason in words.
import { createCpuEngine } from '../engine/cpu/index.ts';
import type { EngineFactoryInput, TrainingEngine } from '../engine/types.ts';

interface WebGpuEngineModule {
  createWebGpuEngine: (
    input: EngineFactoryInput,
    options: { gpu?: GPU; device?: GPUDevice; shaders: unknown },
  ) => TrainingEngine | Promise<TrainingEngine>;
}

// Optional modules: an empty record when the WebGPU engine is not in the tree yet.
const gpuEngineModules = import.meta.glob('../engine/gpu/index.ts');
const gpuShaderModules = import.meta.glob('../engine/gpu/shaderSources.browser.ts');

export interface SelectedEngine {
  engine: TrainingEngine;
  /** null when the WebGPU engine runs; else why the CPU engine does */
  fallbackReason: string | null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function pickShaders(module: Record<string, unknown>): unknown {
  if ('shaderSources' in module) return module.shaderSources;
  if ('shaders' in module) return module.shaders;
  if ('SHADERS' in module) return module.SHADERS;
  if ('default' in module) return module.default;
  const values = Object.values(module);
  return values.length === 1 ? values[0] : module;
}

async function tryWebGpu(input: EngineFactoryInput): Promise<TrainingEngine | string> {
  const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  if (!gpu) return 'this browser exposes no WebGPU (navigator.gpu is missing)';
  const engineLoader = Object.values(gpuEngineModules)[0];
  const shaderLoader = Object.values(gpuShaderModules)[0];
  if (!engineLoader || !shaderLoader) return 'the WebGPU engine is not part of this build';
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return `requestAdapter() failed: ${messageOf(error)}`;
  }
  if (adapter === null) return 'no WebGPU adapter (requestAdapter() returned null)';
  try {
    const engineModule = (await engineLoader()) as Partial<WebGpuEngineModule>;
    const shaderModule = (await shaderLoader()) as Record<string, unknown>;
    if (typeof engineModule.createWebGpuEngine !== 'function') return 'the WebGPU engine module has no createWebGpuEngine';
    return await engineModule.createWebGpuEngine(input, { gpu, shaders: pickShaders(shaderModule) });
  } catch (error) {
    return `the WebGPU engine failed to start: ${messageOf(error)}`;
  }
}

export async function selectEngine(input: EngineFactoryInput, forceCpu: boolean): Promise<SelectedEngine> {
  let reason = 'CPU engine requested (engine=cpu in the URL)';
  if (!forceCpu) {
    const result = await tryWebGpu(input);
    if (typeof result !== 'string') return { engine: result, fallbackReason: null };
    reason = result;
  }
  return { engine: createCpuEngine(input), fallbackReason: reason };
}
