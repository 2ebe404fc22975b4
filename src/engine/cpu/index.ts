// The CPU back end: one in-process engine for the runs it is given.
// (Node worker threads that split runs across cores live at the edge: src/node/.)
import { EngineError, type EngineFactoryInput, type TrainingEngine } from '../types.ts';
import { CpuBanditEngine } from './cpuBanditEngine.ts';
import { CpuVaeEngine } from './cpuVaeEngine.ts';

/** `only`: the run indices this engine trains (default all); worker threads split runs with it. */
export function createCpuEngine(input: EngineFactoryInput, only?: readonly number[]): TrainingEngine {
  const { config, data, simd } = input;
  if (config.task === 'bandit') return new CpuBanditEngine(config, data, only, simd);
  if (config.task === 'vae') return new CpuVaeEngine(config, data, only);
  throw new EngineError(`CPU engine for task ${(config as { task: string }).task} is not available yet`, 'unavailable');
}
