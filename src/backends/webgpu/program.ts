// A GPU program: one model on the WebGPU runtime (issue 10, item 3). It declares its kernels
// (with their WGSL includes), allocates its buffers through the runtime, encodes one update,
// evaluates and inspects. The registry (programs.ts) maps a task to its program.
import { EngineError, type EngineConfig, type EngineFactoryInput, type RunSpec, type TrainingEngine } from '../../engine/types.ts';
import type { GpuRuntime } from './runtime/runtime.ts';

/** Tuning a program may honour (each says which it reads). */
export interface GpuProgramOptions {
  /** read the metric window back every this many updates */
  flushEvery?: number;
  /** tile edge of tiled kernels */
  tile?: number;
  /**
   * the GPU object the device came from, where there is no `navigator.gpu` (Node: Dawn's); the
   * conv bandit's trunk library (tfjs-backend-webgpu) needs it as `navigator.gpu`
   */
  gpu?: GPU;
  /**
   * Bandit program with categorical hidden units (docs/math.md §7.1): the dense weight_gradient for
   * the matrices they feed instead of categorical_input_gradient (default false). For the bench
   * that compares the two and the test that they agree.
   */
  denseCategoricalGradients?: boolean;
}

/** A model on the WebGPU runtime. */
export interface GpuProgram<E extends TrainingEngine = TrainingEngine> {
  /** the task it trains */
  readonly task: EngineConfig['task'];
  /**
   * The engine of `input` on `runtime`. Its GPU set-up runs between runtime.beginSetup() and endSetup(); the factory
   * awaits runtime.ready() before handing the engine out. The engine's dispose() disposes the
   * runtime.
   * @throws EngineError('config') for a configuration the program cannot train,
   * EngineError('limits') for one too large for the device (before allocating)
   */
  create(runtime: GpuRuntime, input: EngineFactoryInput, options: GpuProgramOptions): E;
  /**
   * Asynchronous set-up after the runtime is ready, if the program has any (the conv bandit
   * starts its trunk's library on the device), so that a failure is reported when the engine
   * is made, not at its first update.
   * @throws EngineError('unavailable') when that set-up cannot complete
   */
  prepare?(engine: E): Promise<void>;
}

/**
 * The position in `runs` of the run whose index is `run` (RunSpec.index), which every engine's
 * per-run buffers are laid out by.
 * @throws EngineError('config') when no run has that index
 */
export function runIndexOf(runs: readonly RunSpec[], run: number): number {
  const r = runs.findIndex((s) => s.index === run);
  if (r < 0) throw new EngineError(`no run ${run} in this engine`, 'config');
  return r;
}
