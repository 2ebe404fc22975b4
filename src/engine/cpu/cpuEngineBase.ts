// What the CPU engines of every task share: the runs this thread trains, grouped by seed (a
// group's runs see the same minibatches: the paired comparison), the update loop over the
// shared minibatch stream, counters, mid-run hyper-parameters and run lookup.
import type { Dataset } from '../../data/dataset.ts';
import { allocSparseRows, binarizeRows, MinibatchStream, trainBinarizeKey, type SparseBinaryRows } from '../../data/minibatch.ts';
import { validateHyperparameterChange } from '../validate.ts';
import { EngineError, expandRuns, type EngineConfig, type EngineInfo, type RunCounters, type RunSpec } from '../types.ts';

export interface SeedGroup<R> {
  seed: number;
  stream: MinibatchStream;
  /** the current minibatch, binarized (sparse rows) */
  rows: SparseBinaryRows;
  runs: R[];
}

export abstract class CpuEngineBase<C extends EngineConfig, R extends { readonly counters: RunCounters }, G extends SeedGroup<R>> {
  readonly info: EngineInfo = { backend: 'cpu', description: 'CPU engine (TypeScript, this thread)' };
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
