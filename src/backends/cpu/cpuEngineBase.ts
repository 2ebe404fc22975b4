// What the CPU engines of every task share: the runs this thread trains, grouped by seed (a
// group's runs see the same minibatches: the paired comparison), the update loop over the
// shared minibatch stream, counters, mid-run hyper-parameters and run lookup.
import type { Dataset } from '../../data/dataset.ts';
import { allocSparseRows, binarizeRows, MinibatchStream, trainBinarizeKey, type SparseBinaryRows } from '../../data/minibatch.ts';
import type { ParameterTensor } from '../../engine/optimizer.ts';
import { checkStateFits, ENGINE_STATE_FORMAT, ENGINE_STATE_VERSION, EngineStateError, restoreCounters, type EngineState, type RunState } from '../../engine/state.ts';
import { validateHyperparameterChange } from '../../engine/validate.ts';
import { EngineError, expandRuns, type EngineConfig, type EngineInfo, type RunCounters, type RunSpec } from '../../engine/types.ts';

export interface SeedGroup<R> {
  seed: number;
  stream: MinibatchStream;
  /** the current minibatch, binarized (sparse rows) */
  rows: SparseBinaryRows;
  runs: R[];
}

/** Name and shape of each tensor of a run, in the optimizer's order (src/engine/state.ts). */
export interface TensorLayout {
  name: string;
  /** [inputs, units] for input-major weights, [units] for biases */
  shape: number[];
}

/** What a run keeps besides its tensors and counters (saved in checkpoints). */
export interface RunScalars {
  baselines: number[];
  optimizerSteps: number;
}

export abstract class CpuEngineBase<C extends EngineConfig, R extends { readonly counters: RunCounters }, G extends SeedGroup<R>> {
  info: EngineInfo = { backend: 'cpu', description: 'CPU engine (TypeScript, this thread)' };
  readonly runs: RunSpec[];
  readonly config: C;
  updatesDone = 0;
  protected evaluations = 0;
  protected readonly groups: G[] = [];
  protected readonly runObjects: R[] = [];

  /** `only` restricts the engine to some of the config's runs (worker threads split them). */
  constructor(
    config: C,
    protected readonly data: Dataset,
    only: readonly number[] | undefined,
  ) {
    this.config = { ...config, estimators: [...config.estimators], seeds: [...config.seeds] };
    const all = expandRuns(config);
    this.runs = only ? all.filter((r) => only.includes(r.index)) : all;
  }

  /** Creates every run (call from the subclass constructor, after its own fields exist). */
  protected addRuns(makeGroup: (base: SeedGroup<R>) => G, makeRun: (spec: RunSpec) => R): void {
    for (const spec of this.runs) {
      let group = this.groups.find((g) => g.seed === spec.seed);
      if (!group) {
        group = makeGroup({
          seed: spec.seed,
          stream: new MinibatchStream(spec.seed, this.data.train.count),
          rows: allocSparseRows(this.config.batch, this.data.pixels),
          runs: [],
        });
        this.groups.push(group);
      }
      const run = makeRun(spec);
      group.runs.push(run);
      this.runObjects.push(run);
    }
  }

  get updatesPerEpoch(): number {
    return Math.floor(this.data.train.count / this.config.batch);
  }

  /** One update of every live run of group `g` on its binarized minibatch g.rows (RNG step t). */
  protected abstract updateGroup(g: G, indices: Uint32Array, t: number): void;

  async step(n: number): Promise<void> {
    const { config, data } = this;
    for (let u = 0; u < n; u++) {
      const t = this.updatesDone;
      for (const g of this.groups) {
        if (g.runs.every((r) => !r.counters.finite)) continue;
        if (g.rows.onStart.length < config.batch + 1) g.rows = allocSparseRows(config.batch, data.pixels);
        const { indices, epoch } = g.stream.next(config.batch);
        binarizeRows(data.train, data.pixels, indices, trainBinarizeKey(g.seed, epoch), g.rows);
        this.updateGroup(g, indices, t);
      }
      this.updatesDone += 1;
    }
  }

  async readCounters(): Promise<RunCounters[]> {
    return this.runObjects.map((r) => ({ ...r.counters, layerGradVarianceSum: [...r.counters.layerGradVarianceSum] }));
  }

  setHyperparameters(change: { lr?: number; batch?: number }): void {
    validateHyperparameterChange(change, this.data.train.count);
    if (change.lr !== undefined) this.config.lr = change.lr;
    if (change.batch !== undefined) {
      this.config.batch = change.batch;
      this.batchChanged(change.batch);
    }
  }

  /** Names and shapes of a run's tensors in the optimizer's order (every run has the same). */
  protected abstract tensorLayout(): TensorLayout[];
  /** A run's parameter tensors (values and Adam moments) in the optimizer's order. */
  protected abstract tensorsOf(run: R): readonly ParameterTensor[];
  /** A run's baselines and optimizer step count. */
  protected abstract scalarsOf(run: R): RunScalars;
  /** Restores what scalarsOf returned. */
  protected abstract restoreScalars(run: R, scalars: RunScalars): void;

  /**
   * The whole training state of this engine's runs (src/engine/state.ts): parameters, Adam
   * moments, baselines, counters, the RNG counters (updates, evaluations) and each seed's
   * position in the data order. Copies: later training does not change the result.
   */
  async exportState(): Promise<EngineState> {
    const layout = this.tensorLayout();
    return {
      format: ENGINE_STATE_FORMAT,
      version: ENGINE_STATE_VERSION,
      config: { ...this.config, estimators: [...this.config.estimators], seeds: [...this.config.seeds] } as C,
      dataset: this.datasetSizes(),
      updatesDone: this.updatesDone,
      evaluations: this.evaluations,
      streams: this.groups.map((g) => ({ seed: g.seed, epoch: g.stream.epoch, cursor: g.stream.cursor })),
      runs: this.runs.map((spec, i): RunState => {
        const run = this.runObjects[i];
        return {
          index: spec.index,
          estimator: spec.estimator,
          seed: spec.seed,
          counters: { ...run.counters, layerGradVarianceSum: [...run.counters.layerGradVarianceSum] },
          ...this.scalarsOf(run),
          tensors: this.tensorsOf(run).map((t, k) => ({ name: layout[k].name, shape: [...layout[k].shape], value: t.value.slice(), m: t.m.slice(), v: t.v.slice() })),
        };
      }),
    };
  }

  /**
   * Restores a state exported by an engine of the same model, runs and data (any back end);
   * the saved learning rate and batch size apply. `source` names the checkpoint in errors.
   * @throws EngineStateError naming the first thing that does not fit (nothing is changed then)
   */
  async importState(state: EngineState, source: string): Promise<void> {
    checkStateFits(state, this.config, this.datasetSizes(), this.runs, source);
    const layout = this.tensorLayout();
    const restored = this.runs.map((spec) => {
      const saved = state.runs.find((r) => r.index === spec.index) as RunState;
      if (saved.tensors.length !== layout.length) throw new EngineStateError(source, `run ${spec.index} holds ${saved.tensors.length} tensors, this model has ${layout.length}`);
      saved.tensors.forEach((t, k) => {
        if (t.name !== layout[k].name || t.shape.join('×') !== layout[k].shape.join('×')) {
          throw new EngineStateError(source, `run ${spec.index} tensor ${k} is ${t.name} [${t.shape.join(', ')}], this model has ${layout[k].name} [${layout[k].shape.join(', ')}]`);
        }
      });
      return saved;
    });
    const streams = this.groups.map((g) => {
      const saved = state.streams.find((s) => s.seed === g.seed);
      if (!saved) throw new EngineStateError(source, `holds no minibatch position for seed ${g.seed}`);
      if (saved.cursor > this.data.train.count) throw new EngineStateError(source, `seed ${g.seed}'s position ${saved.cursor} is beyond the ${this.data.train.count} training images`);
      return saved;
    });
    // everything checked: apply
    this.setHyperparameters({ lr: state.config.lr, batch: state.config.batch });
    this.groups.forEach((g, i) => g.stream.restore(streams[i].epoch, streams[i].cursor));
    restored.forEach((saved, i) => {
      const run = this.runObjects[i];
      this.tensorsOf(run).forEach((t, k) => {
        t.value.set(saved.tensors[k].value);
        t.m.set(saved.tensors[k].m);
        t.v.set(saved.tensors[k].v);
      });
      this.restoreScalars(run, { baselines: saved.baselines, optimizerSteps: saved.optimizerSteps });
      restoreCounters(run.counters, saved.counters);
    });
    this.updatesDone = state.updatesDone;
    this.evaluations = state.evaluations;
  }

  private datasetSizes(): EngineState['dataset'] {
    return { train: this.data.train.count, test: this.data.test.count, pixels: this.data.pixels, classes: this.data.classes };
  }

  /** Hook: the batch size changed (runs may need bigger working memory). */
  protected batchChanged(_batch: number): void {}

  /** The run object of run index `run` (tests and the classroom inspect it directly). */
  runAt(run: number): R {
    const position = this.runs.findIndex((r) => r.index === run);
    if (position < 0) throw new EngineError(`no run ${run} in this engine`, 'config');
    return this.runObjects[position];
  }

  dispose(): void {
    this.groups.length = 0;
    this.runObjects.length = 0;
  }
}

/** A reward-trained run (the bandit, the conv bandit): one moving-average baseline and Adam's step count. */
interface RewardRunScalars {
  baseline: number;
  optimizerSteps: number;
}

/** The checkpoint scalars of a reward-trained run (docs/math.md §2: its baseline; the optimizer's step count). */
export function rewardRunScalars(run: RewardRunScalars): RunScalars {
  return { baselines: [run.baseline], optimizerSteps: run.optimizerSteps };
}

/** Restores what {@link rewardRunScalars} saved (a missing baseline reads as 0). */
export function restoreRewardRunScalars(run: RewardRunScalars, scalars: RunScalars): void {
  run.baseline = scalars.baselines[0] ?? 0;
  run.optimizerSteps = scalars.optimizerSteps;
}
