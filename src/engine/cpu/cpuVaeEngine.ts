// The CPU engine for the discrete hierarchical VAE (DESIGN.md §3): every run in this thread;
// runs of one seed share minibatches, initial weights and random numbers (paired comparison).
import type { Dataset } from '../../data/dataset.ts';
import { allocSparseRows, binarizeRows, MinibatchStream, testBinarizeKey, trainBinarizeKey, type SparseBinaryRows } from '../../data/minibatch.ts';
import { EvalDraws, RngDraws } from '../../models/vae/draws.ts';
import { validateHyperparameterChange, validateVaeConfig } from '../validate.ts';
import { traceVaeExample } from '../../models/vae/trace.ts';
import { VaeRun } from '../../models/vae/vaeRun.ts';
import {
  EngineError,
  expandRuns,
  VAE_ESTIMATORS,
  type EngineInfo,
  type EvaluationResult,
  type ExampleTrace,
  type RunCounters,
  type RunSpec,
  type TrainingEngine,
  type VaeConfig,
  type VaeEstimator,
} from '../types.ts';

const EVAL_CHUNK = 500;

interface SeedGroup {
  seed: number;
  stream: MinibatchStream;
  rows: SparseBinaryRows;
  draws: RngDraws;
  runs: VaeRun[];
}

export class CpuVaeEngine implements TrainingEngine {
  readonly info: EngineInfo = { backend: 'cpu', description: 'CPU engine (TypeScript, this thread)' };
  readonly runs: RunSpec[];
  readonly config: VaeConfig;
  updatesDone = 0;
  private evaluations = 0;
  private readonly groups: SeedGroup[] = [];
  private readonly runObjects: VaeRun[] = [];

  /** `only` restricts the engine to some of the config's runs (worker threads split them). */
  constructor(
    config: VaeConfig,
    private readonly data: Dataset,
    only?: readonly number[],
  ) {
    validateVaeConfig(config, data);
    this.config = { ...config, estimators: [...config.estimators], seeds: [...config.seeds] };
    const all = expandRuns(config);
    this.runs = only ? all.filter((r) => only.includes(r.index)) : all;
    const shape = { pixels: data.pixels, layers: config.layers, width: config.width };
    for (const spec of this.runs) {
      let group = this.groups.find((g) => g.seed === spec.seed);
      if (!group) {
        group = {
          seed: spec.seed,
          stream: new MinibatchStream(spec.seed, data.train.count),
          rows: allocSparseRows(config.batch, data.pixels),
          draws: new RngDraws(config.width),
          runs: [],
        };
        this.groups.push(group);
      }
      const run = new VaeRun(shape, spec.seed, spec.estimator as VaeEstimator);
      group.runs.push(run);
      this.runObjects.push(run);
    }
  }

  get updatesPerEpoch(): number {
    return Math.floor(this.data.train.count / this.config.batch);
  }

  async step(n: number): Promise<void> {
    const { config, data } = this;
    for (let u = 0; u < n; u++) {
      const t = this.updatesDone;
      for (const g of this.groups) {
        if (g.runs.every((r) => !r.counters.finite)) continue;
        if (g.rows.onStart.length < config.batch + 1) g.rows = allocSparseRows(config.batch, data.pixels);
        const { indices, epoch } = g.stream.next(config.batch);
        binarizeRows(data.train, data.pixels, indices, trainBinarizeKey(g.seed, epoch), g.rows);
        g.draws.setStep(g.seed, t, config.layers);
        for (const run of g.runs) run.update(g.rows, g.draws, config);
      }
      this.updatesDone += 1;
    }
  }

  /** The K-sample bound (K = config.testK) averaged over the binarized test set. */
  async evaluate(): Promise<EvaluationResult[]> {
    const { data, config } = this;
    const e = this.evaluations++;
    const test = data.test;
    const sums = this.runObjects.map(() => 0);
    const rows = allocSparseRows(EVAL_CHUNK, data.pixels);
    const indices = new Uint32Array(EVAL_CHUNK);
    for (const g of this.groups) {
      const key = testBinarizeKey(g.seed, e);
      const draws = new EvalDraws(g.seed, config.width, config.layers);
      for (let start = 0; start < test.count; start += EVAL_CHUNK) {
        const count = Math.min(EVAL_CHUNK, test.count - start);
        for (let b = 0; b < count; b++) indices[b] = start + b;
        binarizeRows(test, data.pixels, indices.subarray(0, count), key, rows);
        for (const run of g.runs) sums[this.runObjects.indexOf(run)] += run.boundSum(rows, start, draws, e, config.testK);
      }
    }
    return sums.map((s) => ({ testScore: s / test.count, k: config.testK }));
  }

  async readCounters(): Promise<RunCounters[]> {
    return this.runObjects.map((r) => ({ ...r.counters, layerGradVarianceSum: [...r.counters.layerGradVarianceSum] }));
  }

  setHyperparameters(change: { lr?: number; batch?: number }): void {
    validateHyperparameterChange(change, this.data.train.count);
    if (change.lr !== undefined) this.config.lr = change.lr;
    if (change.batch !== undefined) this.config.batch = change.batch;
  }

  /** Encoder probabilities, samples and HNCA credit per layer; actionProbabilities holds the decoder's pixel probabilities. */
  async inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace> {
    if (pixels.length !== this.data.pixels) throw new EngineError(`inspect needs ${this.data.pixels} pixels, got ${pixels.length}`, 'config');
    return traceVaeExample(this.runAt(run).params, pixels, seed);
  }

  /**
   * Weight matrix `layer`, stored input-major (rows = inputs, cols = units) like the bandit's:
   * 0..L-1 the encoder q_1..q_L, L..2L-1 the decoder p_0..p_{L-1}.
   */
  async readWeights(run: number, layer: number): Promise<{ rows: number; cols: number; data: Float32Array }> {
    const r = this.runAt(run);
    const L = this.config.layers;
    if (!Number.isInteger(layer) || layer < 0 || layer >= 2 * L) throw new EngineError(`layer must be in 0..${2 * L - 1}, got ${layer}`, 'config');
    const { sizes } = r.params;
    if (layer < L) return { rows: sizes[layer], cols: sizes[layer + 1], data: r.tensors[2 * layer].value.slice() };
    const m = layer - L;
    return { rows: sizes[m + 1], cols: sizes[m], data: r.tensors[2 * L + 2 * m].value.slice() };
  }

  /** The run object of run index `run` (tests inspect it directly). */
  runAt(run: number): VaeRun {
    const position = this.runs.findIndex((r) => r.index === run);
    if (position < 0) throw new EngineError(`no run ${run} in this engine`, 'config');
    return this.runObjects[position];
  }

  dispose(): void {
    this.groups.length = 0;
    this.runObjects.length = 0;
  }
}
