// The CPU engine for the contextual-bandit experiment: every run of the engine in this
// thread; runs of one seed share minibatches and initial weights (the paired comparison).
import type { Dataset } from '../../data/dataset.ts';
import { allocSparseRows, binarizeRows, testBinarizeKey } from '../../data/minibatch.ts';
import { BanditRun } from '../../models/bandit/banditRun.ts';
import { forwardKeys, type ForwardKeys } from '../../models/bandit/forward.ts';
import { traceExample } from '../../models/bandit/trace.ts';
import { banditShape, BanditParameters, initBanditParameters, type BanditShape } from '../../models/bandit/parameters.ts';
import { CountingAllocator, type ArrayAllocator } from '../../simd/arrays.ts';
import { kernelArena, WasmKernels, wasmSimdSupported } from '../../simd/wasmKernels.ts';
import { Stream } from '../../rng/streams.ts';
import { banditEstimator } from '../../engine/estimators.ts';
import { EngineError, evaluationKey, type BanditConfig, type BanditEstimator, type EvaluateOptions, type EvaluationResult, type ExampleTrace, type TrainingEngine, type WeightMatrix } from '../../engine/types.ts';
import { unitMajor } from '../../engine/weights.ts';
import { validateBanditConfig } from '../../engine/validate.ts';
import type { ParameterTensor } from '../../engine/optimizer.ts';
import { CpuEngineBase, restoreRewardRunScalars, rewardRunScalars, type RunScalars, type SeedGroup, type TensorLayout } from './cpuEngineBase.ts';

const EVAL_CHUNK = 500;

interface BanditGroup extends SeedGroup<BanditRun> {
  labels: Uint8Array;
  /** the training RNG streams of this seed, moved to each update's step */
  keys: ForwardKeys;
}

/**
 * Each run's arrays (parameters, gradients, Adam moments, scratch for `capacity` examples,
 * message tables) in one arena: a WASM SIMD kernel instance's memory where `simd` allows,
 * else the JS heap. Sized by building the run once on counted heap arrays.
 */
function runArrays(shape: BanditShape, estimator: BanditEstimator, capacity: number, simd: boolean): ArrayAllocator {
  const counter = new CountingAllocator();
  new BanditRun(new BanditParameters(shape, counter), estimator, capacity, counter);
  return kernelArena(counter.bytes, simd);
}

export class CpuBanditEngine extends CpuEngineBase<BanditConfig, BanditRun, BanditGroup> implements TrainingEngine {
  /** `simd`: whether WebAssembly SIMD kernels may run (default: detected; false: JavaScript only). */
  constructor(config: BanditConfig, data: Dataset, only?: readonly number[], simd: boolean = wasmSimdSupported()) {
    validateBanditConfig(config, data);
    super(config, data, only);
    const shape = banditShape(data.pixels, config.hidden, config.width, data.classes, config.hiddenValues, config.units, config.categories);
    // the scratch holds an evaluation chunk too, so evaluating keeps it in the arena
    const capacity = Math.max(config.batch, EVAL_CHUNK);
    let kernels = 0;
    this.addRuns(
      (base) => ({ ...base, labels: new Uint8Array(config.batch), keys: forwardKeys(base.seed, 0, Stream.hiddenBase, Stream.action, config.hidden) }),
      (spec) => {
        const estimator = banditEstimator(spec.estimator).id;
        const arrays = runArrays(shape, estimator, capacity, simd);
        if (arrays instanceof WasmKernels) kernels += 1;
        return new BanditRun(initBanditParameters(shape, spec.seed, arrays), estimator, capacity, arrays);
      },
    );
    const how = kernels === this.runObjects.length ? 'TypeScript + WebAssembly SIMD kernels' : simd ? 'TypeScript; WebAssembly SIMD kernels failed to load' : 'TypeScript; no WebAssembly SIMD';
    this.info = { backend: 'cpu', description: `CPU engine (${how}, this thread)` };
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
    return rewardRunScalars(run);
  }

  protected restoreScalars(run: BanditRun, scalars: RunScalars): void {
    restoreRewardRunScalars(run, scalars);
  }

  protected override batchChanged(batch: number): void {
    for (const r of this.runObjects) r.ensureCapacity(batch);
  }

  async evaluate(options?: EvaluateOptions): Promise<EvaluationResult[]> {
    const { data, config } = this;
    const e = evaluationKey(options, this.evaluations++);
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
