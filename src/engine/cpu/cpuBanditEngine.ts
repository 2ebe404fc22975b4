// The CPU engine for the contextual-bandit experiment: every run of the engine in this
// thread; runs of one seed share minibatches and initial weights (the paired comparison).
import type { Dataset } from '../../data/dataset.ts';
import { allocSparseRows, binarizeRows, testBinarizeKey } from '../../data/minibatch.ts';
import { BanditRun } from '../../models/bandit/banditRun.ts';
import { forwardKeys, type ForwardKeys } from '../../models/bandit/forward.ts';
import { traceExample } from '../../models/bandit/trace.ts';
import { banditShape, initBanditParameters } from '../../models/bandit/parameters.ts';
import { Stream } from '../../rng/streams.ts';
import { banditEstimator } from '../estimators.ts';
import { EngineError, type BanditConfig, type EvaluationResult, type ExampleTrace, type TrainingEngine, type WeightMatrix } from '../types.ts';
import { unitMajor } from '../weights.ts';
import { validateBanditConfig } from '../validate.ts';
import type { ParameterTensor } from '../optimizer.ts';
import { CpuEngineBase, type RunScalars, type SeedGroup, type TensorLayout } from './cpuEngineBase.ts';

const EVAL_CHUNK = 500;

interface BanditGroup extends SeedGroup<BanditRun> {
  labels: Uint8Array;
  /** the training RNG streams of this seed, moved to each update's step */
  keys: ForwardKeys;
}

export class CpuBanditEngine extends CpuEngineBase<BanditConfig, BanditRun, BanditGroup> implements TrainingEngine {
  constructor(config: BanditConfig, data: Dataset, only?: readonly number[]) {
    validateBanditConfig(config, data);
    super(config, data, only);
    const shape = banditShape(data.pixels, config.hidden, config.width, data.classes, config.hiddenValues, config.units, config.categories);
    this.addRuns(
      (base) => ({ ...base, labels: new Uint8Array(config.batch), keys: forwardKeys(base.seed, 0, Stream.hiddenBase, Stream.action, config.hidden) }),
      (spec) => new BanditRun(initBanditParameters(shape, spec.seed), banditEstimator(spec.estimator).id, config.batch),
    );
  }

  protected updateGroup(g: BanditGroup, indices: Uint32Array, t: number): void {
    if (g.labels.length < indices.length) g.labels = new Uint8Array(indices.length);
    for (let b = 0; b < indices.length; b++) g.labels[b] = this.data.train.labels[indices[b]];
    const keys = g.keys.setStep(t);
    for (const run of g.runs) run.update(g.rows, keys, { labels: g.labels }, this.config);
  }

  protected tensorLayout(): TensorLayout[] {
    const { sizes } = banditShape(this.data.pixels, this.config.hidden, this.config.width, this.data.classes, this.config.hiddenValues, this.config.units, this.config.categories);
    return sizes.slice(1).flatMap((units, k) => [
      { name: `W${k}`, shape: [sizes[k], units] },
      { name: `b${k}`, shape: [units] },
    ]);
  }

  protected tensorsOf(run: BanditRun): readonly ParameterTensor[] {
    return run.params.tensors;
  }

  protected scalarsOf(run: BanditRun): RunScalars {
    return { baselines: [run.baseline], optimizerSteps: run.optimizerSteps };
  }

  protected restoreScalars(run: BanditRun, scalars: RunScalars): void {
    run.baseline = scalars.baselines[0] ?? 0;
    run.optimizerSteps = scalars.optimizerSteps;
  }

  protected override batchChanged(batch: number): void {
    for (const r of this.runObjects) r.ensureCapacity(batch);
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

  async inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace> {
    return traceExample(this.runAt(run), pixels, seed);
  }

  async readWeights(run: number, layer: number): Promise<WeightMatrix> {
    const params = this.runAt(run).params;
    if (!Number.isInteger(layer) || layer < 0 || layer >= params.layerCount) {
      throw new EngineError(`layer must be in 0..${params.layerCount - 1}, got ${layer}`, 'config');
    }
    const { sizes } = params.shape;
    return unitMajor(params.weights[layer].value, sizes[layer], sizes[layer + 1]);
  }
}
