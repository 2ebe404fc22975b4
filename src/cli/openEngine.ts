// Engine selection for the CLI: --engine cpu|webgpu|auto → a TrainingEngine and the reason for it.
// Back ends (worker threads, WebGPU) are imported when chosen: when one cannot load or start,
// cpu falls back to one thread and auto to the CPU, saying why.
import { createConvBanditCpuEngine, createCpuEngine } from '../backends/cpu/index.ts';
import { acquireDevice, isSoftwareAdapter } from '../backends/webgpu/runtime/adapter.ts';
import { EngineError, type EngineChoice, type EngineFactoryInput, type TrainingEngine } from '../engine/types.ts';

export interface OpenedEngine {
  engine: TrainingEngine;
  /** one line: which engine and why */
  why: string;
}

/** A WebGPU device several engines share (reproduce fig1 --concurrent yes); its opener destroys it. */
export interface SharedGpu {
  device: GPUDevice;
  /** the adapter in one line */
  description: string;
}

/** A back-end module the CLI loads on demand: its name (for messages) and a loader typed by what the CLI uses of it. */
export interface EngineModule<T> {
  name: string;
  load: () => Promise<T>;
}

/**
 * The back ends the CLI loads only when chosen (Dawn is not started for --engine cpu), each typed
 * by the exports the CLI calls, so that tsc checks the loaded module against them (no export
 * names as strings, no casts). Literal import paths, so a bundler (the GPU-machine bundle)
 * includes them; tests replace entries with stand-ins of the same type.
 */
export interface EngineModules {
  threaded: EngineModule<{ createThreadedCpuEngine: (input: EngineFactoryInput, threads: number) => Promise<TrainingEngine> }>;
  webgpu: EngineModule<{ createWebGpuEngine: (input: EngineFactoryInput, options: { gpu: GPU; device?: GPUDevice; shaders: Record<string, string> }) => Promise<TrainingEngine> }>;
  /** Dawn's GPU object in Node */
  webgpuNode: EngineModule<{ nodeGpu: () => Promise<GPU> }>;
  /** the WGSL sources read from shaders/ */
  shaderSources: EngineModule<{ loadShaderSources: () => Record<string, string> }>;
}

export const ENGINE_MODULES: EngineModules = {
  threaded: { name: 'src/node/threadedCpuEngine.ts', load: () => import('../node/threadedCpuEngine.ts') },
  webgpu: { name: 'src/backends/webgpu/index.ts', load: () => import('../backends/webgpu/index.ts') },
  webgpuNode: { name: 'src/node/webgpuNode.ts', load: () => import('../node/webgpuNode.ts') },
  shaderSources: { name: 'src/node/shaderSources.ts', load: () => import('../node/shaderSources.ts') },
};

/** An optional module, or the reason it could not be loaded (absent, or failed while loading). */
async function optionalModule<T>(module: EngineModule<T>): Promise<{ loaded: T; reason?: undefined } | { loaded?: undefined; reason: string }> {
  try {
    return { loaded: await module.load() };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { reason: `${module.name} could not be loaded (${message})` };
  }
}

async function openCpu(input: EngineFactoryInput, threads: number, runs: number): Promise<OpenedEngine> {
  const wanted = Math.min(threads, runs);
  if (wanted > 1) {
    const threaded = await optionalModule(ENGINE_MODULES.threaded);
    if (threaded.loaded) {
      const engine = await threaded.loaded.createThreadedCpuEngine(input, wanted);
      return { engine, why: `CPU engine, ${wanted} worker threads (${runs} runs)` };
    }
    return { engine: createCpuEngine(input), why: `CPU engine, one thread (worker threads unavailable: ${threaded.reason})` };
  }
  const why = runs === 1 ? 'one run' : `--threads ${threads}`;
  return { engine: createCpuEngine(input), why: `CPU engine, one thread (${why})` };
}

async function openWebGpu(input: EngineFactoryInput, shared?: SharedGpu): Promise<{ engine?: TrainingEngine; reason: string }> {
  const factory = await optionalModule(ENGINE_MODULES.webgpu);
  if (!factory.loaded) return { reason: `WebGPU engine not available (${factory.reason})` };
  const gpuModule = await optionalModule(ENGINE_MODULES.webgpuNode);
  if (!gpuModule.loaded) return { reason: `WebGPU engine not available (${gpuModule.reason})` };
  const shaderModule = await optionalModule(ENGINE_MODULES.shaderSources);
  if (!shaderModule.loaded) return { reason: `WebGPU engine not available (${shaderModule.reason})` };
  try {
    const gpu = await gpuModule.loaded.nodeGpu();
    const shaders = shaderModule.loaded.loadShaderSources();
    const engine = await factory.loaded.createWebGpuEngine(input, { gpu, shaders, ...(shared ? { device: shared.device } : {}) });
    return { engine, reason: '' };
  } catch (error) {
    if (error instanceof EngineError && (error.kind === 'unavailable' || error.kind === 'limits')) return { reason: error.message };
    throw error;
  }
}

/** A software adapter (SwiftShader: Vulkan on the CPU) is slower than the CPU engine: the runtime's one check. */
export { isSoftwareAdapter };

/**
 * One WebGPU device (Dawn's adapter, raised limits) for several engines: each engine made with
 * it does not destroy it; the caller does, once every engine is disposed.
 * @throws EngineError('unavailable') when Dawn or an adapter is missing, saying why
 */
export async function openSharedGpu(): Promise<SharedGpu> {
  const gpuModule = await optionalModule(ENGINE_MODULES.webgpuNode);
  if (!gpuModule.loaded) throw new EngineError(`WebGPU engine not available (${gpuModule.reason})`, 'unavailable');
  const gpu = await gpuModule.loaded.nodeGpu();
  const { device, description } = await acquireDevice({ gpu });
  return { device, description };
}

/**
 * An engine for `input` on the chosen back end and the reason for it in one line; `shared` puts
 * a WebGPU engine on that device (not owned by the engine).
 * @throws EngineError('unavailable') for --engine webgpu without a usable adapter; what the
 * engine's factory throws otherwise
 */
export async function openEngine(choice: EngineChoice, input: EngineFactoryInput, threads: number, shared?: SharedGpu): Promise<OpenedEngine> {
  const runs = input.config.estimators.length * input.config.seeds.length;
  if (input.config.task === 'conv-bandit') {
    // the conv bandit (docs/math.md §7.2): --engine webgpu runs its WebGPU program (the trunk on
    // tfjs-backend-webgpu on the same device); cpu and auto its CPU engine in this thread (its
    // trunk on TensorFlow.js's WebAssembly back end)
    if (choice === 'webgpu') {
      const gpu = await openWebGpu(input, shared);
      if (!gpu.engine) throw new EngineError(gpu.reason, 'unavailable');
      return { engine: gpu.engine, why: `WebGPU engine: ${gpu.engine.info.description} (--engine webgpu)` };
    }
    const engine = await createConvBanditCpuEngine(input.config, input);
    return { engine, why: `${engine.info.description}${choice === 'auto' ? ' (auto: the conv bandit takes its WebGPU engine only with --engine webgpu)' : ''}` };
  }
  if (choice === 'cpu') return openCpu(input, threads, runs);
  let gpu: { engine?: TrainingEngine; reason: string };
  try {
    gpu = await openWebGpu(input, shared);
  } catch (error) {
    if (choice === 'webgpu') throw error;
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    gpu = { reason: `the WebGPU engine failed to start (${message})` };
  }
  if (gpu.engine && choice === 'webgpu') return { engine: gpu.engine, why: `WebGPU engine: ${gpu.engine.info.description} (--engine webgpu${shared ? ', one device shared by the depths of the grid' : ''})` };
  if (choice === 'webgpu') throw new EngineError(gpu.reason, 'unavailable');
  let reason = gpu.reason;
  if (gpu.engine) {
    const description = gpu.engine.info.description;
    if (!isSoftwareAdapter(description)) {
      return { engine: gpu.engine, why: `WebGPU engine: ${description} (auto: a hardware WebGPU adapter is available)` };
    }
    gpu.engine.dispose();
    reason = `the only WebGPU adapter is a software one (${description}), slower than the CPU engine; --engine webgpu forces it`;
  }
  const cpu = await openCpu(input, threads, runs);
  return { engine: cpu.engine, why: `${cpu.why}; auto chose the CPU because ${reason}` };
}
