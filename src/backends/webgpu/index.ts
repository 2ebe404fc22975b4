// The WebGPU back end: createWebGpuEngine(input, { gpu | device, shaders }) picks the program of
// the task (programs.ts) and runs it on the one GpuEngine (gpuEngine.ts) over a runtime of its
// own (runtime/). Shader sources are injected (file name → WGSL): shaderSources.browser.ts in
// Vite/Vitest, src/node/shaderSources.ts in Node.
import { EngineError, type BanditConfig, type ConvBanditConfig, type EngineConfig, type EngineFactoryInput, type VaeConfig } from '../../engine/types.ts';
import { banditProgram, type BanditProgram } from './bandit/program.ts';
import { convBanditProgram, type ConvBanditProgram } from './convBandit/program.ts';
import { GpuEngine } from './gpuEngine.ts';
import type { GpuProgram, GpuProgramOptions, ProgramInstance } from './program.ts';
import { GPU_PROGRAMS, type RegisteredProgram } from './programs.ts';
import { acquireDevice, describeAdapter, isSoftwareAdapter } from './runtime/adapter.ts';
import { GpuRuntime, type RuntimeOptions } from './runtime/runtime.ts';
import { vaeProgram, type VaeProgram } from './vae/program.ts';

export { describeAdapter, isSoftwareAdapter };
export { GpuEngine } from './gpuEngine.ts';
export type { BufferCopy, Dispatch, EvaluationPlan, GpuProgram, GpuProgramOptions, Plan, ProgramContext, ProgramInstance, RunStateBuffer, RunStateViews, Stage } from './program.ts';
export { configOfTask, configureTask, runIndexOf } from './program.ts';
export { checkDispatches, encodeDispatches } from './runtime/encode.ts';
export { registered } from './programs.ts';
/** The bandit's engine (docs/math.md §2), its program's test access under `program`. */
export type GpuBanditEngine = GpuEngine<BanditConfig, BanditProgram>;
/** The discrete VAE's engine (docs/math.md §3). */
export type GpuVaeEngine = GpuEngine<VaeConfig, VaeProgram>;
/** The conv bandit's engine (docs/math.md §7.2). */
export type GpuConvBanditEngine = GpuEngine<ConvBanditConfig, ConvBanditProgram>;

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
export async function createWebGpuEngine(input: EngineFactoryInput, options: WebGpuEngineOptions): Promise<GpuEngine> {
  const program = GPU_PROGRAMS[input.config.task];
  if (!program) throw new EngineError(`WebGPU engine for task ${input.config.task} is not available yet`, 'unavailable');
  return startEngine(program, input, options);
}

/**
 * The engine of `program` (any program, registered or not: a test's or a library user's own
 * model), typed as that program's; throws as createWebGpuEngine.
 */
export async function createProgramEngine<C extends EngineConfig, I extends ProgramInstance>(program: GpuProgram<C, I>, input: EngineFactoryInput, options: WebGpuEngineOptions): Promise<GpuEngine<C, I>> {
  let engine: GpuEngine<C, I> | undefined;
  await startEngine({ task: program.task, start: (runtime, i, o) => (engine = new GpuEngine(runtime, program, i, o)) }, input, options);
  if (!engine) throw new EngineError('WebGPU engine: the program made no engine', 'internal');
  return engine;
}

/** The bandit engine, typed as the concrete engine (tests read its buffers); throws as createWebGpuEngine. */
export function createGpuBanditEngine(input: EngineFactoryInput, options: WebGpuEngineOptions): Promise<GpuBanditEngine> {
  return createProgramEngine(banditProgram, input, options);
}

/** The VAE engine (docs/math.md §3), typed as the concrete engine; throws as createWebGpuEngine. */
export function createGpuVaeEngine(input: EngineFactoryInput, options: WebGpuEngineOptions): Promise<GpuVaeEngine> {
  return createProgramEngine(vaeProgram, input, options);
}

/** The conv bandit engine (docs/math.md §7.2), typed as the concrete engine (tests read its buffers); throws as createWebGpuEngine. */
export function createGpuConvBanditEngine(input: EngineFactoryInput, options: WebGpuEngineOptions): Promise<GpuConvBanditEngine> {
  return createProgramEngine(convBanditProgram, input, options);
}

/** Acquires a device, starts `program`'s engine on a runtime of its own, and waits for its set-up to validate. */
async function startEngine(program: RegisteredProgram, input: EngineFactoryInput, options: WebGpuEngineOptions): Promise<GpuEngine> {
  if (!options || typeof options !== 'object' || !('shaders' in options) || !options.shaders) {
    throw new EngineError('WebGPU engine: no shader sources given (pass { shaders } from shaderSources.browser.ts or src/node/shaderSources.ts)', 'config');
  }
  const acquired = await acquireDevice(options);
  const runtime = new GpuRuntime(acquired, options.shaders, { errorScopes: options.errorScopes });
  try {
    const engine = program.start(runtime, input, { flushEvery: options.flushEvery, tile: options.tile, gpu: options.gpu, denseCategoricalGradients: options.denseCategoricalGradients });
    await runtime.ready();
    await engine.program.prepare?.();
    return engine;
  } catch (error) {
    runtime.dispose();
    throw error;
  }
}
