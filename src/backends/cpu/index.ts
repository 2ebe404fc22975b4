// The CPU back end: one in-process engine for the runs it is given.
// (Node worker threads that split runs across cores live at the edge: src/node/.)
import type { TrunkBackend, WasmBinaryUrls } from '../../trunk/backend.ts';
import { EngineError, type ConvBanditConfig, type EngineFactoryInput, type TrainingEngine } from '../../engine/types.ts';
import { CpuBanditEngine } from './cpuBanditEngine.ts';
import { CpuConvBanditEngine } from './cpuConvBanditEngine.ts';
import { CpuVaeEngine } from './cpuVaeEngine.ts';

/**
 * `only`: the run indices this engine trains (default all); worker threads split runs with it.
 * @throws EngineError('unavailable') for the conv bandit, whose trunk library starts
 * asynchronously: open it with createConvBanditCpuEngine
 */
export function createCpuEngine(input: EngineFactoryInput, only?: readonly number[]): TrainingEngine {
  const { config, data, simd } = input;
  if (config.task === 'bandit') return new CpuBanditEngine(config, data, only, simd);
  if (config.task === 'vae') return new CpuVaeEngine(config, data, only);
  throw new EngineError(`the CPU engine for task ${config.task} starts asynchronously: use createConvBanditCpuEngine`, 'unavailable');
}

/**
 * The CPU engine of the conv bandit (docs/math.md §7.2). Loads TensorFlow.js (a separate chunk:
 * the other tasks never load it) and starts its `backend` (default WebAssembly, falling back
 * to plain JavaScript) for the trunk; `wasmUrls`: where a bundled page serves its binaries.
 * @throws EngineError('unavailable') when no TensorFlow.js back end starts; EngineError('config') for a bad config
 */
export async function createConvBanditCpuEngine(config: ConvBanditConfig, input: Omit<EngineFactoryInput, 'config'>, backend?: TrunkBackend, wasmUrls?: WasmBinaryUrls): Promise<TrainingEngine> {
  const [{ useTrunkBackend }, { tfjsTrunk }] = await Promise.all([import('../../trunk/backend.ts'), import('../../trunk/tfjsTrunk.ts')]);
  let why: string;
  try {
    why = (await useTrunkBackend(backend, wasmUrls)).why;
  } catch (error) {
    throw new EngineError(error instanceof Error ? error.message : String(error), 'unavailable');
  }
  return new CpuConvBanditEngine(config, input.data, tfjsTrunk, why);
}
