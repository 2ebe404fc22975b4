// A GPU program: one model on the model-free GpuEngine (gpuEngine.ts; issue 22). A program is
// its kernels (by name from the catalog), its buffers for given dimensions, a plan of typed
// dispatches for an update and for an evaluation, and the layout of its state tensors. The
// engine owns everything the models share: runs and seed groups, the tile, the step uniform
// slots, the update loop, the metric window and submission, evaluation in chunks, batch changes,
// hyperparameters, state export and import, dispose. The registry (programs.ts) maps a task to
// its program: adding a model is its folder plus one line there.
import type { Dataset } from '../../data/dataset.ts';
import type { MinibatchStream } from '../../data/minibatch.ts';
import { EngineError, type EngineConfig, type EvaluateOptions, type EvaluationResult, type ExampleTrace, type RunCounters, type RunSpec, type VaeViews, type WeightMatrix } from '../../engine/types.ts';
import type { Grid } from './runtime/limits.ts';
import type { Kernel } from './runtime/pipelines.ts';
import type { GpuRuntime } from './runtime/runtime.ts';
import type { UniformSlots } from './runtime/uniformSlots.ts';
import type { StructDefinition, StructuredView } from './runtime/webgpuUtils.ts';
import type { StepValues } from './stepParams.ts';
import type { TensorSlot, TrainingStateBuffers } from './stateTensors.ts';

/** Tuning a program may honour (each says which it reads). */
export interface GpuProgramOptions {
  /** read the metric window back every this many updates (default 50) */
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

/**
 * One dispatch, the only unit of GPU work a program plans: a compiled kernel, its bind group and
 * its workgroup grid. The runtime encodes it (runtime/encode.ts). The program checks its grids
 * against the device's limits when it plans them (runtime/encode.ts checkDispatches, in create
 * and resize, before anything is allocated); the engine encodes what it is given.
 */
export interface Dispatch {
  kernel: Kernel;
  /** undefined only in a plan made to check grids before the buffers exist */
  group: GPUBindGroup | undefined;
  grid: Grid;
  /** false for a kernel that reads no StepParams (its bind group has no dynamic offset); default true */
  stepSlot?: boolean;
}

/** A buffer-to-buffer copy encoded after a stage's dispatches (bytes, offsets in bytes). */
export interface BufferCopy {
  from: GPUBuffer;
  fromOffset: number;
  to: GPUBuffer;
  toOffset: number;
  bytes: number;
}

/**
 * A part of a plan: dispatches (consecutive ones share a compute pass) followed by copies, or
 * work on the host between submissions (the conv bandit's trunk library, which submits its own
 * GPU work on the same queue).
 */
export type Stage = { label: string; dispatches: readonly Dispatch[]; copies?: readonly BufferCopy[] } | { label: string; host: () => void | Promise<void> };

/** The stages of one update or evaluation chunk, and what to release after them (even on failure). */
export interface Plan {
  stages: readonly Stage[];
  release?(): void;
}

/**
 * How a program evaluates: the test set in chunks of at most `chunk` examples, each a plan
 * reading its StepParams slot (the engine writes the evaluation's keys and streams), then the
 * results read back once; or a whole evaluation of its own (the VAE's importance-weighted bound,
 * which runs its own kernels on the read-back parameters).
 */
export type EvaluationPlan =
  | {
      /**
       * examples per chunk, at most the program's capacity. Each chunk's StepParams: batch =
       * its count, exampleOffset = its first test example, gather = 0 (examples in order, no
       * permutation), the evaluation key as keyStep and binarizeStep, the evaluation's hidden,
       * action and binarization streams (src/rng/streams.ts); the optimizer's fields as training's
       */
      chunk: number;
      /** the plan of the chunk of `count` test examples from `start` */
      chunkPlan(start: number, count: number): Plan;
      /** every run's result, read back once after the last chunk */
      results(options: EvaluateOptions | undefined): Promise<EvaluationResult[]>;
    }
  | { evaluate(evaluation: number, options: EvaluateOptions | undefined): Promise<EvaluationResult[]> };

/** What the engine gives a program: the shared set-up, and the engine's services. */
export interface ProgramContext<C extends EngineConfig = EngineConfig> {
  rt: GpuRuntime;
  device: GPUDevice;
  /** the engine's configuration (validated; `batch` and `lr` change through setHyperparameters) */
  config: C;
  data: Dataset;
  /** estimators × seeds in expandRuns order: every per-run buffer follows it */
  runs: readonly RunSpec[];
  /** the distinct seeds, one minibatch stream (group) each */
  seeds: readonly number[];
  /** the group (seed) of each run */
  groupOfRun: readonly number[];
  streams: readonly MinibatchStream[];
  /** tile edge of the tiled kernels (16 on GPUs, 8 where fewer than 256 invocations, 4 on CPU adapters) */
  tile: number;
  options: GpuProgramOptions;
  /**
   * The engine's StepParams slots (call it exactly once, in create; a second call throws
   * EngineError('internal')), made from the program's kernels' reflected `step` struct, which
   * must be shaders/common.wgsl's StepParams (stepParams.ts StepValues: the engine writes
   * every field). `slots`: updates or evaluation chunks per submission (one uniform slot of 256
   * bytes each; 1 when a plan has host stages, which submit between stages). `binding` goes into
   * the program's bind groups, read at a dynamic offset.
   */
  stepSlots(view: StructuredView, slots: number): UniformSlots<StepValues>;
  /** run `run`'s tensors read back, in stateLayout order (one readback) */
  readRunTensors(run: number): Promise<Float32Array[]>;
  /** the position in `runs` of the run whose index is `run` (EngineError 'config' when none) */
  runIndex(run: number): number;
}

/** A per-run state struct buffer ([runs] struct bytes) and its reflected struct. */
export interface RunStateBuffer {
  buffer: GPUBuffer;
  def: StructDefinition;
}

/**
 * A run's state structs as typed views, one record per RunStateBuffer. The first is RunState
 * (shaders/common.wgsl): the engine reads and writes its u32 `finite` and `failedUpdate`
 * (the counters' failure, runCounters.ts); the program owns the rest.
 */
export type RunStateViews = Record<string, Uint32Array | Float32Array>[];

/** A model on the GpuEngine, made for one engine's configuration. */
export interface ProgramInstance {
  /** the model's sampling streams in StepParams: the hidden units' and the action's (src/rng/streams.ts) */
  readonly samplingStreams: { hidden: number; action: number };
  /**
   * The buffers the engine reads and writes: parameters and Adam's moments ([runs, paramsPerRun]
   * f32), the epoch permutation of each seed group ([groups, train images] u32; the engine
   * uploads each epoch's), and the metric window the kernels add to: [runs, 4 + varianceLayers]
   * f32 (updates, examples, score sum, gradient-variance sum, one variance sum per layer;
   * runCounters.ts), cleared by the engine at each flush.
   */
  readonly buffers: TrainingStateBuffers & { permutation: GPUBuffer; metrics: GPUBuffer };
  /** the run states: [0] the RunState every program has (seed, finite, failedUpdate), then the program's own */
  readonly runStates: readonly RunStateBuffer[];
  /** layers with a variance sum in the metric window (its stride is 4 + varianceLayers) */
  readonly varianceLayers: number;
  /** examples per run the batch-sized buffers hold now: the engine refuses a plan of more (an update's batch, an evaluation chunk) */
  readonly capacity: number;
  /** the failure recorded for a run's first non-finite update (e.g. 'non-finite gradient') */
  readonly failure: string;
  /** a run's tensors, in the CPU engine's names, shapes and order (contiguous in the parameters) */
  readonly stateLayout: readonly TensorSlot[];
  /** floats per run in the parameter buffers */
  readonly paramsPerRun: number;
  /** the plan of one training update of `batch` examples */
  updatePlan(batch: number): Plan;
  /** how the program evaluates */
  evaluation(): EvaluationPlan;
  /**
   * Prepares the buffers and plans for a new batch size (growing them past the capacity);
   * nothing changes when it throws.
   * @throws EngineError('limits') when a buffer or grid of that batch exceeds the device
   */
  resize(batch: number): void;
  /** the saved baselines of a run ([layers + 1] for the VAE, [1] for a reward model) from its state structs */
  baselines(views: RunStateViews): number[];
  /** writes a saved run's baselines into its state structs */
  restoreBaselines(views: RunStateViews, saved: readonly number[]): void;
  /** Adam's step count of a run (default: the engine's update count) */
  optimizerSteps?(counters: RunCounters, updatesDone: number): number;
  /** asynchronous set-up after the runtime is ready (the conv bandit starts its trunk's library) */
  prepare?(): Promise<void>;
  /** before each step or evaluation (the conv bandit's trunk on the device) */
  beforeWork?(): Promise<void>;
  inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace>;
  readWeights(run: number, layer: number): Promise<WeightMatrix>;
  /** reconstructions and prior samples (the VAE) */
  viewVae?(run: number, images: readonly Uint8Array[], samples: number, seed: number): Promise<VaeViews>;
  /** frees what the runtime does not own (the trunk library's tensors) */
  dispose?(): void;
}

/** A model as the registry holds it: how to check a configuration and make its program. */
export interface GpuProgram<C extends EngineConfig = EngineConfig, I extends ProgramInstance = ProgramInstance> {
  /** the task it trains */
  readonly task: C['task'];
  /**
   * The configuration as the program trains it (validated against the data).
   * @throws EngineError('config') for another task or an invalid configuration
   */
  configure(config: EngineConfig, data: Dataset): C;
  /**
   * The program of one engine; runs inside the runtime's set-up scopes (runtime.beginSetup).
   * @throws EngineError('config') for a configuration it cannot train, EngineError('limits') for
   * one too large for the device (before allocating)
   */
  create(context: ProgramContext<C>): I;
  /** the engine's description (the adapter in one line, and the program's additions) */
  describe?(adapter: string): string;
}

/** `config` if it is the task's, else EngineError('config') naming the program. */
export function configOfTask<T extends EngineConfig['task']>(config: EngineConfig, task: T, program: string): Extract<EngineConfig, { task: T }> {
  if (config.task !== task) throw new EngineError(`WebGPU ${program} program: task ${config.task} is not the ${program}`, 'config');
  return config as Extract<EngineConfig, { task: T }>;
}

/**
 * A program's `configure`: the task's configuration, checked by the engine contract's validator
 * (src/engine/validate.ts).
 * @returns a function throwing EngineError('config') for another task or an invalid configuration
 */
export function configureTask<T extends EngineConfig['task']>(task: T, program: string, validate: (config: Extract<EngineConfig, { task: T }>, data: Dataset) => void): (config: EngineConfig, data: Dataset) => Extract<EngineConfig, { task: T }> {
  return (config, data) => {
    const checked = configOfTask(config, task, program);
    validate(checked, data);
    return checked;
  };
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
