// The CPU engine for the contextual-bandit experiment: every run of the engine in this
// thread; runs of one seed share minibatches and initial weights (the paired comparison).
import type { Dataset } from '../../data/dataset.ts';
import { allocSparseRows, binarizeRows, MinibatchStream, testBinarizeKey, trainBinarizeKey, type SparseBinaryRows } from '../../data/minibatch.ts';
import { BanditRun } from '../../models/bandit/banditRun.ts';
import { forwardKeys } from '../../models/bandit/forward.ts';
import { traceExample } from '../../models/bandit/trace.ts';
import { banditShape, initBanditParameters } from '../../models/bandit/parameters.ts';
import { Stream } from '../../rng/streams.ts';
import {
  EngineError,
  expandRuns,
  type BanditConfig,
  type EngineInfo,
  type EvaluationResult,
  type ExampleTrace,
  type RunCounters,
  type RunSpec,
  type TrainingEngine,
} from '../types.ts';
import { validateBanditConfig, validateHyperparameterChange } from '../validate.ts';

const EVAL_CHUNK = 500;

interface SeedGroup {
  seed: number;
  stream: MinibatchStream;
  rows: SparseBinaryRows;
  labels: Uint8Array;
  runs: BanditRun[];
}

export class CpuBanditEngine implements TrainingEngine {
  readonly info: EngineInfo = { backend: 'cpu', description: 'CPU engine (TypeScript, this thread)' };
  readonly runs: RunSpec[];
  readonly config: BanditConfig;
  updatesDone = 0;
  private evaluations = 0;
  private readonly groups: SeedGroup[] = [];
  private readonly runObjects: BanditRun[] = [];

  /** `only` restricts the engine to some of the config's runs (worker threads split them). */
  constructor(
    config: BanditConfig,
    private readonly data: Dataset,
    only?: readonly number[],
  ) {
    validateBanditConfig(config, data);
    this.config = { ...config };
    const all = expandRuns(config);
    this.runs = only ? all.filter((r) => only.includes(r.index)) : all;
    const shape = banditShape(data.pixels, config.hidden, config.width, data.classes, config.hiddenValues);
    for (const spec of this.runs) {
      let group = this.groups.find((g) => g.seed === spec.seed);
      if (!group) {
        group = {
          seed: spec.seed,
          stream: new MinibatchStream(spec.seed, data.train.count),
          rows: allocSparseRows(config.batch, data.pixels),
          labels: new Uint8Array(config.batch),
          runs: [],
        };
        this.groups.push(group);
      }
      const run = new BanditRun(initBanditParameters(shape, spec.seed), spec.estimator as BanditConfig['estimators'][number], config.batch);
      group.runs.push(run);
      this.runObjects.push(run);
    }
  }

  get updatesPerEpoch(): number {
    return Math.floor(this.data.train.count / this.config.batch);
  }

  async step(n: number): Promise<void> {
    const { config, data } = this;
    const layers = config.hidden;
    for (let u = 0; u < n; u++) {
      const t = this.updatesDone;
      for (const g of this.groups) {
        if (g.runs.every((r) => !r.counters.finite)) continue;
        if (g.rows.onStart.length < config.batch + 1) {
          g.rows = allocSparseRows(config.batch, data.pixels);
          g.labels = new Uint8Array(config.batch);
        }
        const { indices, epoch } = g.stream.next(config.batch);
        binarizeRows(data.train, data.pixels, indices, trainBinarizeKey(g.seed, epoch), g.rows);
        for (let b = 0; b < indices.length; b++) g.labels[b] = data.train.labels[indices[b]];
        const keys = forwardKeys(g.seed, t, Stream.hiddenBase, Stream.action, layers);
        for (const run of g.runs) run.update(g.rows, keys, { labels: g.labels }, config);
      }
      this.updatesDone += 1;
    }
  }

  async evaluate(options?: { collectActions?: boolean }): Promise<EvaluationResult[]> {
    const { data, config } = this;
    const e = this.evaluations++;
    const test = data.test;
    const results: EvaluationResult[] = this.runObjects.map(() => ({
      testScore: 0,
      actions: options?.collectActions ? new Uint8Array(test.count) : undefined,
    }));
    const rows = allocSparseRows(EVAL_CHUNK, data.pixels);
    const indices = new Uint32Array(EVAL_CHUNK);
    for (const g of this.groups) {
      const key = testBinarizeKey(g.seed, e);
      for (let start = 0; start < test.count; start += EVAL_CHUNK) {
        const count = Math.min(EVAL_CHUNK, test.count - start);
        for (let b = 0; b < count; b++) indices[b] = start + b;
        binarizeRows(test, data.pixels, indices.subarray(0, count), key, rows);
        const keys = forwardKeys(g.seed, e, Stream.evalHiddenBase, Stream.evalAction, config.hidden, start);
        for (const run of g.runs) {
          const result = results[this.runObjects.indexOf(run)];
          run.ensureCapacity(count);
          run.estimateForward(rows, keys);
          for (let b = 0; b < count; b++) {
            const a = run.scratch.action[b];
            if (a === test.labels[start + b]) result.testScore += 1;
            if (result.actions) result.actions[start + b] = a;
          }
        }
      }
    }
    for (const r of results) r.testScore /= test.count;
    return results;
  }

  async readCounters(): Promise<RunCounters[]> {
    return this.runObjects.map((r) => ({ ...r.counters, layerGradVarianceSum: [...r.counters.layerGradVarianceSum] }));
  }

  setHyperparameters(change: { lr?: number; batch?: number }): void {
    validateHyperparameterChange(change, this.data.train.count);
    if (change.lr !== undefined) this.config.lr = change.lr;
    if (change.batch !== undefined) {
      this.config.batch = change.batch;
      for (const r of this.runObjects) r.ensureCapacity(change.batch);
    }
  }

  async inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace> {
    return traceExample(this.runAt(run), pixels, seed);
  }

  async readWeights(run: number, layer: number): Promise<{ rows: number; cols: number; data: Float32Array }> {
    const params = this.runAt(run).params;
    if (!Number.isInteger(layer) || layer < 0 || layer >= params.layerCount) {
      throw new EngineError(`layer must be in 0..${params.layerCount - 1}, got ${layer}`, 'config');
    }
    const { sizes } = params.shape;
    // stored input-major; rows = inputs, cols = units
    return { rows: sizes[layer], cols: sizes[layer + 1], data: params.weights[layer].value.slice() };
  }

  /** The run object of run index `run` (tests and the classroom inspect it directly). */
  runAt(run: number): BanditRun {
    const position = this.runs.findIndex((r) => r.index === run);
    if (position < 0) throw new EngineError(`no run ${run} in this engine`, 'config');
    return this.runObjects[position];
  }

  dispose(): void {
    this.groups.length = 0;
    this.runObjects.length = 0;
  }
}
