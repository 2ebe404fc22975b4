// Engine selection for the CLI: --engine cpu|webgpu|auto → a TrainingEngine and the reason for it.
// Optional back ends (worker threads, WebGPU) are imported dynamically: when their module is
// missing or cannot start, cpu falls back to one thread and auto to the CPU, saying why.
import { createCpuEngine } from '../engine/cpu/index.ts';
import { EngineError, type EngineFactoryInput, type TrainingEngine } from '../engine/types.ts';
import type { EngineChoice } from './options.ts';

export interface OpenedEngine {
  engine: TrainingEngine;
  /** one line: which engine and why */
  why: string;
}

type ThreadedFactory = (input: EngineFactoryInput, threads: number) => Promise<TrainingEngine>;
type WebGpuFactory = (input: EngineFactoryInput, gpu?: GPU) => Promise<TrainingEngine> | TrainingEngine;

/** Loads an optional module's export (a path relative to this file, or a package name); undefined (with the reason) when the module is absent or lacks it. */
async function optionalExport(relative: string, name: string): Promise<{ fn?: (...args: never[]) => unknown; reason: string }> {
  let mod: unknown;
  try {
    mod = await import(relative.startsWith('.') ? new URL(relative, import.meta.url).href : relative);
  } catch (error) {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const missing = code === 'ERR_MODULE_NOT_FOUND' && message.includes(relative.replace(/^(\.\.\/)+/, ''));
    return { reason: missing ? `${relative.replace(/^(\.\.\/)+/, 'src/')} is not there yet` : `${relative} could not be loaded (${message})` };
  }
  const value = typeof mod === 'object' && mod !== null ? (mod as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'function') return { reason: `${relative} does not export ${name}` };
  return { fn: value as (...args: never[]) => unknown, reason: '' };
}

/** Module paths, overridable by tests. */
export const ENGINE_MODULES = {
  threaded: '../node/threadedCpuEngine.ts',
  webgpu: '../engine/gpu/index.ts',
};

async function openCpu(input: EngineFactoryInput, threads: number, runs: number): Promise<OpenedEngine> {
  const wanted = Math.min(threads, runs);
  if (wanted > 1) {
    const { fn, reason } = await optionalExport(ENGINE_MODULES.threaded, 'createThreadedCpuEngine');
    if (fn) {
      const engine = await (fn as ThreadedFactory)(input, wanted);
      return { engine, why: `CPU engine, ${wanted} worker threads (${runs} runs)` };
    }
    return { engine: createCpuEngine(input), why: `CPU engine, one thread (worker threads unavailable: ${reason})` };
  }
  const why = runs === 1 ? 'one run' : `--threads ${threads}`;
  return { engine: createCpuEngine(input), why: `CPU engine, one thread (${why})` };
}

/** Dawn's GPU object in Node (the `webgpu` package), or undefined with the reason. */
async function nodeGpu(): Promise<{ gpu?: GPU; reason: string }> {
  if (typeof navigator !== 'undefined' && 'gpu' in navigator && navigator.gpu) return { gpu: navigator.gpu, reason: '' };
  const { fn: create, reason } = await optionalExport('webgpu', 'create');
  if (!create) return { reason: `the webgpu package is not usable: ${reason}` };
  try {
    return { gpu: (create as (flags: string[]) => GPU)([]), reason: '' };
  } catch (error) {
    return { reason: `Dawn did not start: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function openWebGpu(input: EngineFactoryInput): Promise<{ engine?: TrainingEngine; reason: string }> {
  const { fn, reason } = await optionalExport(ENGINE_MODULES.webgpu, 'createWebGpuEngine');
  if (!fn) return { reason: `WebGPU engine not available yet (${reason})` };
  const { gpu, reason: gpuReason } = await nodeGpu();
  if (!gpu) return { reason: gpuReason };
  try {
    const engine = await (fn as WebGpuFactory)(input, gpu);
    return { engine, reason: '' };
  } catch (error) {
    if (error instanceof EngineError && (error.kind === 'unavailable' || error.kind === 'limits')) return { reason: error.message };
    throw error;
  }
}

export async function openEngine(choice: EngineChoice, input: EngineFactoryInput, threads: number): Promise<OpenedEngine> {
  const runs = input.config.estimators.length * input.config.seeds.length;
  if (choice === 'cpu') return openCpu(input, threads, runs);
  const gpu = await openWebGpu(input);
  if (gpu.engine) {
    const why = choice === 'auto' ? 'auto: a WebGPU adapter is available' : '--engine webgpu';
    return { engine: gpu.engine, why: `WebGPU engine: ${gpu.engine.info.description} (${why})` };
  }
  if (choice === 'webgpu') throw new EngineError(gpu.reason, 'unavailable');
  const cpu = await openCpu(input, threads, runs);
  return { engine: cpu.engine, why: `${cpu.why}; auto chose the CPU because ${gpu.reason}` };
}
