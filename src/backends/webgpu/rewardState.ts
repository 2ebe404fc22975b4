// Export and import of the whole training state (src/engine/state.ts) of the reward-trained
// programs, the bandit (docs/math.md §2) and the conv bandit (§7.2): both keep every run's
// parameters and Adam moments as [runs, paramsPerRun] float32, one RunState per run (its
// scalar running-mean baseline, `finite`, `failedUpdate`), one minibatch stream per seed, and
// take Adam's step count from the engine's update count. The VAE keeps more per run (a
// baseline per layer) and uses the shared pieces of stateTensors.ts directly.
import type { Dataset } from '../../data/dataset.ts';
import type { MinibatchStream } from '../../data/minibatch.ts';
import { banditEstimator } from '../../engine/estimators.ts';
import { checkStateFits, type EngineState, type RunState } from '../../engine/state.ts';
import type { BanditConfig, ConvBanditConfig, RunCounters, RunSpec } from '../../engine/types.ts';
import type { GpuRuntime } from './runtime/runtime.ts';
import { makeStructuredView, type StructDefinition } from './runtime/webgpuUtils.ts';
import { datasetSizes, packRunTensors, readParameterBuffers, restoreFailureFlags, runTensorsFromBuffers, savedStreamPositions, stateHeader, writeTrainingState, type TensorSlot, type TrainingStateBuffers } from './stateTensors.ts';

/**
 * A reward-trained engine as its export and import see it: its own fields (not copies) and the
 * calls they make on it, so that its checks run.
 */
export interface RewardEngineParts {
  rt: GpuRuntime;
  config: BanditConfig | ConvBanditConfig;
  data: Dataset;
  runs: readonly RunSpec[];
  /** one per seed, in the order of the permutation buffer's groups */
  streams: readonly MinibatchStream[];
  /** the training state's buffers and the run states, [runs] RunState */
  buffers: TrainingStateBuffers & { runs: GPUBuffer };
  /** the program's RunState struct (its f32 `baseline`, u32 `finite` and `failedUpdate` fields) */
  runState: StructDefinition;
  /** a run's tensors in the order the program packs them, as the CPU engine names them */
  layout: TensorSlot[];
  paramsPerRun: number;
  updatesDone: number;
  evaluations: number;
  /** every run's counters up to date (a metric flush) */
  readCounters(): Promise<RunCounters[]>;
  /** the runtime's and the metric readback's errors, thrown */
  check(): void;
  /** the saved learning rate and batch size apply (the buffers regrow for a larger batch) */
  setHyperparameters(change: { lr: number; batch: number }): void;
  /** each run's counters become its saved ones (after readCounters emptied the window) */
  restoreCounters(r: number, saved: RunCounters): void;
  /** the engine's update and evaluation counts become the saved ones */
  restoreProgress(updatesDone: number, evaluations: number): void;
}

/**
 * The run states as first written, [runs] RunState bytes: each run's seed, its seed's group
 * (the minibatch stream it reads), its estimator's switches (HNCA credit or REINFORCE's reward,
 * with or without the running-mean baseline, docs/math.md §2), finite, no failure, baseline 0.
 */
export function initialRewardRunStates(def: StructDefinition, runs: readonly RunSpec[], groupOfRun: readonly number[]): ArrayBuffer {
  const runStates = new ArrayBuffer(def.size * runs.length);
  runs.forEach((run, r) => {
    const estimator = banditEstimator(run.estimator);
    makeStructuredView(def, runStates, r * def.size).set({
      seed: run.seed,
      group: groupOfRun[r],
      hnca: estimator.signal === 'hnca' ? 1 : 0,
      useBaseline: estimator.baseline ? 1 : 0,
      finite: 1,
      failedUpdate: 0,
      baseline: 0,
    });
  });
  return runStates;
}

/** RunState `r` of `buffer` ([runs] RunState bytes) as typed views of its fields. */
function runStateView(def: StructDefinition, buffer: ArrayBuffer, r: number): Record<string, Uint32Array | Float32Array> {
  return makeStructuredView(def, buffer, r * def.size).views as Record<string, Uint32Array | Float32Array>;
}

/**
 * The whole training state, the CPU engine's format: counters brought up to date first (a
 * metric flush), then parameters, Adam moments and run states read back once. Adam's step
 * count is the engine's update count; the baseline is the run's one f32 scalar.
 * @throws as `parts.check` when the device or a readback failed
 */
export async function exportRewardState(parts: RewardEngineParts): Promise<EngineState> {
  const counters = await parts.readCounters();
  const { runs, buffers, paramsPerRun: per } = parts;
  const res = parts.rt.res;
  const [parameters, runStates] = await Promise.all([readParameterBuffers(res, buffers, runs.length * per * 4), res.read(buffers.runs, 0, runs.length * parts.runState.size, 'run states (state export)')]);
  parts.check();
  return {
    ...stateHeader(parts.config, parts.data, parts.updatesDone, parts.evaluations, parts.streams),
    runs: runs.map(
      (spec, r): RunState => ({
        index: spec.index,
        estimator: spec.estimator,
        seed: spec.seed,
        counters: counters[r],
        baselines: [runStateView(parts.runState, runStates, r).baseline[0]],
        optimizerSteps: parts.updatesDone,
        tensors: runTensorsFromBuffers(parameters, parts.layout, r, per),
      }),
    ),
  };
}

/**
 * Checks `state` against the engine (same model, runs, data; every tensor's name and shape,
 * every stream's position), then empties the metric window and writes the saved parameters,
 * Adam moments, baselines, failure flags, counters, stream positions and the update and
 * evaluation counts; resolves when the GPU has them. A CPU engine's f64 baselines become f32 here.
 * @throws EngineStateError naming `source` and the first thing that does not fit (nothing changes
 * then); as `parts.check` when the device failed
 */
export async function importRewardState(parts: RewardEngineParts, state: EngineState, source: string): Promise<void> {
  const { rt, runs, buffers, data } = parts;
  const res = rt.res;
  checkStateFits(state, parts.config, datasetSizes(data), runs, source);
  const packed = packRunTensors(state, runs, parts.layout, parts.paramsPerRun, source);
  const positions = savedStreamPositions(state, parts.streams, data.train.count, source);
  // everything checked: empty the metric window, then apply
  await parts.readCounters();
  parts.setHyperparameters({ lr: state.config.lr, batch: state.config.batch });
  const runStates = await res.read(buffers.runs, 0, runs.length * parts.runState.size, 'run states (state import)');
  packed.saved.forEach((run, r) => {
    const view = runStateView(parts.runState, runStates, r);
    view.baseline[0] = run.baselines[0] ?? 0;
    restoreFailureFlags(view, run.counters);
    parts.restoreCounters(r, run.counters);
  });
  res.write(buffers.runs, new Uint8Array(runStates));
  writeTrainingState(res, buffers, packed, parts.streams, positions, data.train.count);
  parts.restoreProgress(state.updatesDone, state.evaluations);
  await rt.idle();
  parts.check();
}
