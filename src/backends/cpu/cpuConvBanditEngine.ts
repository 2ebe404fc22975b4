// The CPU engine of the nonlinear contextual bandit (appendix E, docs/math.md §7.2): every run in
// this thread; runs of one seed share minibatches and initial weights (the paired comparison).
// The trunk runs on TensorFlow.js (src/trunk, on its WebAssembly or JavaScript back end); the
// Bernoulli layer, the output, credit and signals are the bandit's own code (src/models).
import type { Dataset } from '../../data/dataset.ts';
import { binarizeRows, testBinarizeKey, allocSparseRows, type SparseBinaryRows } from '../../data/minibatch.ts';
import { forwardKeys, type ForwardKeys } from '../../models/bandit/forward.ts';
import { ConvBanditRun } from '../../models/convBandit/convBanditRun.ts';
import { convBanditLayout, convBanditShape, initConvBanditParameters, type ConvBanditShape } from '../../models/convBandit/parameters.ts';
import type { TrunkFactory } from '../../models/convBandit/trunk.ts';
import { Stream } from '../../rng/streams.ts';
import { banditEstimator } from '../../engine/estimators.ts';
import type { ParameterTensor } from '../../engine/optimizer.ts';
import { EngineError, evaluationKey, type ConvBanditConfig, type EvaluateOptions, type EvaluationResult, type ExampleTrace, type TrainingEngine, type WeightMatrix } from '../../engine/types.ts';
import { validateConvBanditConfig } from '../../engine/validate.ts';
import { unitMajor } from '../../engine/weights.ts';
import { CpuEngineBase, restoreRewardRunScalars, rewardRunScalars, type RunScalars, type SeedGroup, type TensorLayout } from './cpuEngineBase.ts';

/** Test images per forward pass of an evaluation. */
const EVAL_CHUNK = 250;

interface ConvGroup extends SeedGroup<ConvBanditRun> {
  labels: Uint8Array;
  /** the minibatch's binarized pixels, dense [batch, rows · cols] (the trunk's input) */
  pixels: Float32Array;
  /** the training RNG streams of this seed, moved to each update's step */
  keys: ForwardKeys;
}

/** Dense 0/1 pixels [rows.count, width] of sparse binarized rows, into `out` (grown if short). */
function densePixels(rows: SparseBinaryRows, out: Float32Array): Float32Array {
  const size = rows.count * rows.width;
  const dense = out.length >= size ? out : new Float32Array(size);
  dense.fill(0, 0, size);
  for (let b = 0; b < rows.count; b++) {
    for (let k = rows.onStart[b]; k < rows.onStart[b + 1]; k++) dense[b * rows.width + rows.onIndex[k]] = 1;
  }
  return dense;
}

export class CpuConvBanditEngine extends CpuEngineBase<ConvBanditConfig, ConvBanditRun, ConvGroup> implements TrainingEngine {
  private readonly shape: ConvBanditShape;
  /** the gradient-variance metric is measured on updates 0, n, 2n, … (ConvBanditConfig.varianceEvery) */
  readonly varianceEvery: number;

  /**
   * `trunk`: makes each run's trunk (src/trunk/tfjsTrunk.ts on the active tfjs back end);
   * `trunkDescription` names that back end in `info`.
   * @throws EngineError('config') for a config out of range (validateConvBanditConfig)
   */
  constructor(config: ConvBanditConfig, data: Dataset, trunk: (shape: ConvBanditShape) => TrunkFactory, trunkDescription: string, only?: readonly number[]) {
    validateConvBanditConfig(config, data);
    super(config, data, only);
    this.shape = convBanditShape(config, data.rows, data.cols, data.classes);
    this.varianceEvery = config.varianceEvery ?? 1;
    const factory = trunk(this.shape);
    this.addRuns(
      (base) => ({ ...base, labels: new Uint8Array(config.batch), pixels: new Float32Array(config.batch * data.pixels), keys: forwardKeys(base.seed, 0, Stream.hiddenBase, Stream.action, 1) }),
      (spec) => new ConvBanditRun(initConvBanditParameters(this.shape, spec.seed), banditEstimator(spec.estimator).id, Math.max(config.batch, EVAL_CHUNK), factory),
    );
    this.info = { backend: 'cpu', description: `CPU engine (bandit layer in TypeScript, trunk on ${trunkDescription}, this thread)` };
  }

  protected updateGroup(g: ConvGroup, indices: Uint32Array, t: number): void {
    if (g.labels.length < indices.length) g.labels = new Uint8Array(indices.length);
    for (let b = 0; b < indices.length; b++) g.labels[b] = this.data.train.labels[indices[b]];
    g.pixels = densePixels(g.rows, g.pixels);
    const keys = g.keys.setStep(t);
    const measure = t % this.varianceEvery === 0;
    for (const run of g.runs) run.update(g.pixels, indices.length, keys, { labels: g.labels }, this.config, measure);
  }

  protected tensorLayout(): TensorLayout[] {
    return convBanditLayout(this.shape).map((t) => ({ name: t.name, shape: t.shape }));
  }

  protected tensorsOf(run: ConvBanditRun): readonly ParameterTensor[] {
    return run.params.tensors;
  }

  protected scalarsOf(run: ConvBanditRun): RunScalars {
    return rewardRunScalars(run);
  }

  protected restoreScalars(run: ConvBanditRun, scalars: RunScalars): void {
    restoreRewardRunScalars(run, scalars);
  }

  protected override batchChanged(batch: number): void {
    for (const r of this.runObjects) r.ensureCapacity(batch);
  }

  async evaluate(options?: EvaluateOptions): Promise<EvaluationResult[]> {
    const { data } = this;
    const e = evaluationKey(options, this.evaluations++);
    const test = data.test;
    const results: EvaluationResult[] = this.runObjects.map(() => ({ testScore: 0, actions: options?.collectActions ? new Uint8Array(test.count) : undefined }));
    const rows = allocSparseRows(EVAL_CHUNK, data.pixels);
    const indices = new Uint32Array(EVAL_CHUNK);
    let pixels: Float32Array = new Float32Array(EVAL_CHUNK * data.pixels);
    for (const g of this.groups) {
      const key = testBinarizeKey(g.seed, e);
      for (let start = 0; start < test.count; start += EVAL_CHUNK) {
        const count = Math.min(EVAL_CHUNK, test.count - start);
        for (let b = 0; b < count; b++) indices[b] = start + b;
        binarizeRows(test, data.pixels, indices.subarray(0, count), key, rows);
        pixels = densePixels(rows, pixels);
        const keys = forwardKeys(g.seed, e, Stream.evalHiddenBase, Stream.evalAction, 1, start);
        for (const run of g.runs) {
          const result = results[this.runObjects.indexOf(run)];
          run.estimateForward(pixels, count, keys);
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

  /** One image (0/1 pixels [rows · cols]) through run `run`: the Bernoulli layer's probabilities, samples, HNCA credit, and the action probabilities. */
  async inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace> {
    const { width, actions } = this.shape;
    if (pixels.length !== this.data.pixels) throw new EngineError(`inspect needs ${this.data.pixels} input values, got ${pixels.length}`, 'config');
    const r = this.runAt(run);
    r.estimateForward(Float32Array.from(pixels, (p) => (p ? 1 : 0)), 1, forwardKeys(seed, 0, Stream.inspectHiddenBase, Stream.inspectAction, 1));
    r.computeCredit(1);
    const s = r.scratch;
    return {
      probabilities: [Float32Array.from(s.prob[0].subarray(0, width))],
      samples: [s.sample[0].slice(0, width)],
      credit: [Float32Array.from(s.credit[0].subarray(0, width))],
      actionProbabilities: Float32Array.from(s.outProb.subarray(0, actions)),
    };
  }

  /**
   * Weight matrix `layer` of run `run`, unit-major: 0..convLayers−1 the convolutions' filters
   * [channels, 3·3·inChannels], then the linear layer [width, features], then the output [actions, width].
   */
  async readWeights(run: number, layer: number): Promise<WeightMatrix> {
    const params = this.runAt(run).params;
    if (!Number.isInteger(layer) || layer < 0 || layer >= params.layerCount) throw new EngineError(`layer must be in 0..${params.layerCount - 1}, got ${layer}`, 'config');
    const t = convBanditLayout(this.shape)[2 * layer];
    return unitMajor(params.tensors[2 * layer].value, t.inputs, t.units);
  }

  override dispose(): void {
    for (const r of this.runObjects) r.dispose();
    super.dispose();
  }
}
