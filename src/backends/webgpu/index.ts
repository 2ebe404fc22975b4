// The WebGPU back end: createWebGpuEngine(input, { gpu | device, shaders }) picks the program of
// the task (programs.ts) and runs it on a runtime of its own (runtime/).
// Shader sources are injected (file name → WGSL): shaderSources.browser.ts in Vite/Vitest,
// src/node/shaderSources.ts in Node.
import { EngineError, type EngineFactoryInput, type TrainingEngine } from '../../engine/types.ts';
import type { GpuBanditEngine } from './bandit/engine.ts';
import { banditProgram } from './bandit/engine.ts';
import { convBanditProgram, type GpuConvBanditEngine } from './convBandit/engine.ts';
import type { GpuProgram, GpuProgramOptions } from './program.ts';
import { GPU_PROGRAMS } from './programs.ts';
import { acquireDevice, describeAdapter, isSoftwareAdapter } from './runtime/adapter.ts';
import { GpuRuntime, type RuntimeOptions } from './runtime/runtime.ts';

export { describeAdapter, isSoftwareAdapter };
export { GpuBanditEngine } from './bandit/engine.ts';
export { GpuConvBanditEngine } from './convBandit/engine.ts';
export type { GpuProgram, GpuProgramOptions } from './program.ts';

/** Where the engine's device comes from, its shaders, and how it is watched and tuned. */
export interface WebGpuEngineOptions extends GpuProgramOptions, RuntimeOptions {
  /** use this device (not destroyed by the engine) */
  device?: GPUDevice;
  /** request an adapter from this GPU (default navigator.gpu) */
  gpu?: GPU;
  /** WGSL sources by file name ("rng.wgsl" → text) */
  shaders: Record<string, string>;
}

/**
 * The WebGPU engine of `input.config.task`, ready (its set-up validated by the GPU).
 * @throws EngineError('unavailable') for a task without a GPU program or without a WebGPU
 * adapter; EngineError('config') without shader sources or for an invalid configuration;
 * EngineError('limits') for a configuration too large for the device
 */
export async function createWebGpuEngine(input: EngineFactoryInput, options: WebGpuEngineOptions): Promise<TrainingEngine> {
  const program = GPU_PROGRAMS[input.config.task];
  if (!program) throw new EngineError(`WebGPU engine for task ${input.config.task} is not available yet`, 'unavailable');
  return createProgramEngine(program, input, options);
}

/** The bandit engine, typed as the concrete engine (tests read its buffers); throws as createWebGpuEngine. */
export async function createGpuBanditEngine(input: EngineFactoryInput, options: WebGpuEngineOptions): Promise<GpuBanditEngine> {
  if (input.config.task !== 'bandit') throw new EngineError(`WebGPU engine for task ${input.config.task} is not available yet`, 'unavailable');
  return createProgramEngine(banditProgram, input, options);
}

/** The conv bandit engine (docs/math.md §7.2), typed as the concrete engine (tests read its buffers); throws as createWebGpuEngine. */
export async function createGpuConvBanditEngine(input: EngineFactoryInput, options: WebGpuEngineOptions): Promise<GpuConvBanditEngine> {
  if (input.config.task !== 'conv-bandit') throw new EngineError(`WebGPU conv bandit engine: task ${input.config.task} is not the conv bandit`, 'config');
  return createProgramEngine(convBanditProgram, input, options);
}

/** Acquires a device, runs `program` on a runtime of its own, and waits for its set-up to validate. */
async function createProgramEngine<E extends TrainingEngine>(program: GpuProgram<E>, input: EngineFactoryInput, options: WebGpuEngineOptions): Promise<E> {
  if (!options || typeof options !== 'object' || !('shaders' in options) || !options.shaders) {
    throw new EngineError('WebGPU engine: no shader sources given (pass { shaders } from shaderSources.browser.ts or src/node/shaderSources.ts)', 'config');
  }
  const acquired = await acquireDevice(options);
  const runtime = new GpuRuntime(acquired, options.shaders, { errorScopes: options.errorScopes });
  try {
    const engine = program.create(runtime, input, { flushEvery: options.flushEvery, tile: options.tile, gpu: options.gpu, denseCategoricalGradients: options.denseCategoricalGradients });
    await runtime.ready();
    await program.prepare?.(engine);
    return engine;
  } catch (error) {
    runtime.dispose();
    throw error;
  }
}
