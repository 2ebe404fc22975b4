// The registry of GPU programs: the task → the program that trains it on the GpuEngine.
// Adding a model on the GPU is its folder plus one line here.
import type { EngineConfig, EngineFactoryInput } from '../../engine/types.ts';
import { banditProgram } from './bandit/program.ts';
import { convBanditProgram } from './convBandit/program.ts';
import { GpuEngine } from './gpuEngine.ts';
import type { GpuProgram, GpuProgramOptions, ProgramInstance } from './program.ts';
import type { GpuRuntime } from './runtime/runtime.ts';
import { vaeProgram } from './vae/program.ts';

/** A registered program: its engine on a runtime (the program's own types erased to the engine contract's). */
export interface RegisteredProgram {
  readonly task: EngineConfig['task'];
  /** @throws as the GpuEngine constructor */
  start(runtime: GpuRuntime, input: EngineFactoryInput, options: GpuProgramOptions): GpuEngine;
}

/** `program` as the registry holds it. */
export function registered<C extends EngineConfig, I extends ProgramInstance>(program: GpuProgram<C, I>): RegisteredProgram {
  return { task: program.task, start: (runtime, input, options) => new GpuEngine(runtime, program, input, options) };
}

/** The program of each task that has one; a task without one is refused (EngineError 'unavailable'). */
export const GPU_PROGRAMS: Partial<Record<EngineConfig['task'], RegisteredProgram>> = {
  bandit: registered(banditProgram),
  vae: registered(vaeProgram),
  'conv-bandit': registered(convBanditProgram),
};
