// The registry of GPU programs: the task → the program that trains it on the WebGPU runtime.
// Adding a model on the GPU is its files plus one line here.
import type { EngineConfig } from '../../engine/types.ts';
import { banditProgram } from './bandit/engine.ts';
import { convBanditProgram } from './convBandit/engine.ts';
import type { GpuProgram } from './program.ts';
import { vaeProgram } from './vae/engine.ts';

/** The program of each task that has one; a task without one is refused (EngineError 'unavailable'). */
export const GPU_PROGRAMS: Partial<Record<EngineConfig['task'], GpuProgram>> = {
  bandit: banditProgram,
  vae: vaeProgram,
  'conv-bandit': convBanditProgram,
};
