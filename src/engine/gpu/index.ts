// The WebGPU back end: createWebGpuEngine(input, { gpu | device, shaders }).
// Shader sources are injected (file name → WGSL): shaderSources.browser.ts in Vite/Vitest,
// src/node/shaderSources.ts in Node.
import { EngineError, type EngineFactoryInput, type TrainingEngine } from '../types.ts';
import { acquireDevice } from './gpuDevice.ts';
import { GpuBanditEngine, type GpuEngineOptions } from './gpuBanditEngine.ts';

export { describeAdapter } from './gpuDevice.ts';
export { GpuBanditEngine } from './gpuBanditEngine.ts';

export interface WebGpuEngineOptions extends GpuEngineOptions {
  /** use this device (not destroyed by the engine) */
  device?: GPUDevice;
  /** request an adapter from this GPU (default navigator.gpu) */
  gpu?: GPU;
  /** WGSL sources by file name ("rng.wgsl" → text) */
  shaders: Record<string, string>;
}

export async function createWebGpuEngine(input: EngineFactoryInput, options: WebGpuEngineOptions): Promise<TrainingEngine> {
  return createGpuBanditEngine(input, options);
}

/** The same, typed as the concrete engine (tests read its buffers). */
export async function createGpuBanditEngine(input: EngineFactoryInput, options: WebGpuEngineOptions): Promise<GpuBanditEngine> {
  const { config, data } = input;
  if (config.task !== 'bandit') throw new EngineError(`WebGPU engine for task ${config.task} is not available yet`, 'unavailable');
  if (!options || typeof options !== 'object' || !('shaders' in options) || !options.shaders) {
    throw new EngineError('WebGPU engine: no shader sources given (pass { shaders } from shaderSources.browser.ts or src/node/shaderSources.ts)', 'config');
  }
  const acquired = await acquireDevice(options);
  let engine: GpuBanditEngine | undefined;
  try {
    engine = new GpuBanditEngine(acquired.device, acquired.description, config, data, options.shaders, acquired.owned, { cpuAdapter: acquired.cpuAdapter, ...options });
    await engine.ready();
    return engine;
  } catch (error) {
    if (engine) engine.dispose();
    else if (acquired.owned) acquired.device.destroy();
    throw error;
  }
}
