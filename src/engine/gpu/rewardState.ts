// Export and import of the whole training state (src/engine/state.ts) of the reward-trained
// programs, the bandit (DESIGN.md §2) and the conv bandit (§7.2): both keep every run's
// parameters and Adam moments as [runs, paramsPerRun] float32, one RunState per run (its
// scalar running-mean baseline, `finite`, `failedUpdate`), one minibatch stream per seed, and
// take Adam's step count from the engine's update count. The VAE keeps more per run (a
// baseline per layer) and uses the shared pieces of stateTensors.ts directly.
import type { Dataset } from '../../data/dataset.ts';
import type { MinibatchStream } from '../../data/minibatch.ts';
import { checkStateFits, type EngineState, type RunState } from '../state.ts';
import type { BanditConfig, ConvBanditConfig, RunCounters, RunSpec } from '../types.ts';
import type { GpuResources } from './runtime/resources.ts';
import { makeStructuredView, type StructDefinition } from './runtime/webgpuUtils.ts';
import { datasetSizes, packRunTensors, readParameterBuffers, restoreFailureFlags, runTensorsFromBuffers, savedStreamPositions, stateHeader, writeTrainingState, type TensorSlot, type TrainingStateBuffers } from './stateTensors.ts';

/** A reward-trained engine's state as the export and import see it (its own fields, not copies). */
export interface RewardEngineParts {
  res: GpuResources;
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
}

/** The engine calls an export and an import make: its own, so that its checks run. */
export interface RewardEngineCalls {
  /** every run's counters up to date (a metric flush) */
  readCounters(): Promise<RunCounters[]>;
  /** the runtime's and the metric readback's errors, thrown */
  check(): void;
}

/** RunState `r` of `buffer` ([runs] RunState bytes) as typed views of its fields. */
function runStateView(def: StructDefinition, buffer: ArrayBuffer, r: number): Record<string, Uint32Array | Float32Array> {
  return makeStructuredView(def, buffer, r * def.size).views as Record<string, Uint32Array | Float32Array>;
}

/**
 * The whole training state, the CPU engine's format: counters brought up to date first (a
 * metric flush), then parameters, Adam moments and run states read back once. Adam's step
 * count is the engine's update count; the baseline is the run's one f32 scalar.
 * @throws as `calls.check` when the device or a readback failed
 */
export async function exportRewardState(parts: RewardEngineParts, calls: RewardEngineCalls): Promise<EngineState> {
  const counters = await calls.readCounters();
  const { res, runs, buffers, paramsPerRun: per } = parts;
  const [parameters, runStates] = await Promise.all([readParameterBuffers(res, buffers, runs.length * per * 4), res.read(buffers.runs, 0, runs.length * parts.runState.size, 'run states (state export)')]);
  calls.check();
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

/** The engine calls an import makes, besides the export's. */
export interface RewardImportCalls extends RewardEngineCalls {
  /** the saved learning rate and batch size apply (the buffers regrow for a larger batch) */
  setHyperparameters(change: { lr: number; batch: number }): void;
  /** each run's counters become its saved ones (after readCounters emptied the window) */
  restoreCounters(r: number, saved: RunCounters): void;
}

/**
 * Checks `state` against the engine (same model, runs, data; every tensor's name and shape,
 * every stream's position), then empties the metric window and writes the saved parameters,
 * Adam moments, baselines, failure flags, counters and stream positions. The caller sets its
 * update and evaluation counts after. A CPU engine's f64 baselines become f32 here.
 * @throws EngineStateError naming `source` and the first thing that does not fit (nothing changes then)
 */
export async function importRewardState(parts: RewardEngineParts, state: EngineState, source: string, calls: RewardImportCalls): Promise<void> {
  const { res, runs, buffers, data } = parts;
  checkStateFits(state, parts.config, datasetSizes(data), runs, source);
  const packed = packRunTensors(state, runs, parts.layout, parts.paramsPerRun, source);
  const positions = savedStreamPositions(state, parts.streams, data.train.count, source);
  // everything checked: empty the metric window, then apply
  await calls.readCounters();
  calls.setHyperparameters({ lr: state.config.lr, batch: state.config.batch });
  const runStates = await res.read(buffers.runs, 0, runs.length * parts.runState.size, 'run states (state import)');
  packed.saved.forEach((run, r) => {
    const view = runStateView(parts.runState, runStates, r);
    view.baseline[0] = run.baselines[0] ?? 0;
    restoreFailureFlags(view, run.counters);
    calls.restoreCounters(r, run.counters);
  });
  res.write(buffers.runs, new Uint8Array(runStates));
  writeTrainingState(res, buffers, packed, parts.streams, positions, data.train.count);
}
