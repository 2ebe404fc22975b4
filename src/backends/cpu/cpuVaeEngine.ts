// The CPU engine for the discrete hierarchical VAE (docs/math.md §3): every run in this thread;
// runs of one seed share minibatches, initial weights and random numbers (paired comparison).
import type { Dataset } from '../../data/dataset.ts';
import { allocSparseRows, binarizeRows, testBinarizeKey } from '../../data/minibatch.ts';
import { EvalDraws, RngDraws } from '../../models/vae/draws.ts';
import { validateVaeConfig } from '../../engine/validate.ts';
import type { ParameterTensor } from '../../engine/optimizer.ts';
import { CpuEngineBase, type RunScalars, type SeedGroup, type TensorLayout } from './cpuEngineBase.ts';
import { traceVaeExample } from '../../models/vae/trace.ts';
import { VaeRun, vaeRunArrays } from '../../models/vae/vaeRun.ts';
import { WasmKernels, wasmSimdSupported } from '../../simd/wasmKernels.ts';
import { vaeEstimator } from '../../engine/estimators.ts';
import { vaeViews } from '../../models/vae/views.ts';
import { EngineError, evaluationKey, type EvaluateOptions, type EvaluationResult, type ExampleTrace, type VaeConfig, type VaeViewEngine, type VaeViews, type WeightMatrix } from '../../engine/types.ts';
import { unitMajor } from '../../engine/weights.ts';

const EVAL_CHUNK = 500;
/**
 * Work between two progress reports of evaluate, in samples (images × K): 50 images at K = 200,
 * 2 images at K = 5000, so that a report (where the caller may pause or stop the evaluation)
 * comes within a fraction of a second whatever K is; the sums do not depend on it.
 */
const PROGRESS_SAMPLES = 10_000;

interface VaeGroup extends SeedGroup<VaeRun> {
  draws: RngDraws;
}

export class CpuVaeEngine extends CpuEngineBase<VaeConfig, VaeRun, VaeGroup> implements VaeViewEngine {
  /** `simd`: whether WebAssembly SIMD kernels may run (default: detected; false: JavaScript only). */
  constructor(config: VaeConfig, data: Dataset, only?: readonly number[], simd: boolean = wasmSimdSupported()) {
    validateVaeConfig(config, data);
    super(config, data, only);
    const shape = { pixels: data.pixels, layers: config.layers, width: config.width };
    let kernels = 0;
    this.addRuns(
      (base) => ({ ...base, draws: new RngDraws(config.width) }),
      (spec) => {
        const estimator = vaeEstimator(spec.estimator).id;
        const arrays = vaeRunArrays(shape, estimator, simd, config.batch);
        if (arrays instanceof WasmKernels) kernels += 1;
        return new VaeRun(shape, spec.seed, estimator, arrays, config.batch);
      },
    );
    const how = kernels === this.runObjects.length ? 'TypeScript + WebAssembly SIMD kernels' : simd ? 'TypeScript; WebAssembly SIMD kernels failed to load' : 'TypeScript; no WebAssembly SIMD';
    this.info = { backend: 'cpu', description: `CPU engine (${how}, this thread)` };
  }

  protected updateGroup(g: VaeGroup, _indices: Uint32Array, t: number): void {
    g.draws.setStep(g.seed, t, this.config.layers);
    for (const run of g.runs) run.update(g.rows, g.draws, this.config);
  }

  protected tensorLayout(): TensorLayout[] {
    const L = this.config.layers;
    const sizes = [this.data.pixels, ...Array.from({ length: L }, () => this.config.width)];
    const layout: TensorLayout[] = [];
    for (let l = 1; l <= L; l++) layout.push({ name: `encoder.W${l}`, shape: [sizes[l - 1], sizes[l]] }, { name: `encoder.b${l}`, shape: [sizes[l]] });
    for (let m = 0; m < L; m++) layout.push({ name: `decoder.D${m}`, shape: [sizes[m + 1], sizes[m]] }, { name: `decoder.c${m}`, shape: [sizes[m]] });
    layout.push({ name: `prior.c${L}`, shape: [sizes[L]] });
    return layout;
  }

  protected tensorsOf(run: VaeRun): readonly ParameterTensor[] {
    return run.tensors;
  }

  /** Adam's step count is the run's update count (VaeRun steps with counters.updates + 1). */
  protected scalarsOf(run: VaeRun): RunScalars {
    return { baselines: Array.from(run.baselines), optimizerSteps: run.counters.updates };
  }

  protected restoreScalars(run: VaeRun, scalars: RunScalars): void {
    run.baselines.fill(0);
    run.baselines.set(scalars.baselines.slice(0, run.baselines.length));
  }

  /**
   * The K-sample bound (K = config.testK, nats per image) averaged over the binarized test set.
   * Progress (options.onProgress) counts test images × runs, reported about every
   * PROGRESS_SAMPLES / K images of a run (awaited: the caller may yield there); the sums, and so
   * the results, do not depend on it.
   */
  async evaluate(options: EvaluateOptions = {}): Promise<EvaluationResult[]> {
    const { data, config } = this;
    const e = evaluationKey(options, this.evaluations++);
    const test = data.test;
    const sums = this.runObjects.map(() => 0);
    const rows = allocSparseRows(EVAL_CHUNK, data.pixels);
    const indices = new Uint32Array(EVAL_CHUNK);
    const onProgress = options.onProgress;
    const total = test.count * this.runObjects.length;
    let done = 0;
    for (const g of this.groups) {
      const key = testBinarizeKey(g.seed, e);
      const draws = new EvalDraws(g.seed, config.width, config.layers);
      for (let start = 0; start < test.count; start += EVAL_CHUNK) {
        const count = Math.min(EVAL_CHUNK, test.count - start);
        for (let b = 0; b < count; b++) indices[b] = start + b;
        binarizeRows(test, data.pixels, indices.subarray(0, count), key, rows);
        for (const run of g.runs) {
          // the chunk's sum continues across the slices: the same additions in the same order as one call
          let chunkSum = 0;
          const sliceImages = Math.max(1, Math.floor(PROGRESS_SAMPLES / config.testK));
          for (let from = 0; from < count; from += sliceImages) {
            const to = Math.min(count, from + sliceImages);
            chunkSum = run.boundSum(rows, start, draws, e, config.testK, from, to, chunkSum);
            done += to - from;
            if (onProgress) await onProgress(done, total);
          }
          sums[this.runObjects.indexOf(run)] += chunkSum;
        }
      }
    }
    return sums.map((s) => ({ testScore: s / test.count, k: config.testK }));
  }

  /** Encoder probabilities, samples and HNCA credit per layer; actionProbabilities holds the decoder's pixel probabilities. */
  async inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace> {
    if (pixels.length !== this.data.pixels) throw new EngineError(`inspect needs ${this.data.pixels} pixels, got ${pixels.length}`, 'config');
    return traceVaeExample(this.runAt(run).params, pixels, seed);
  }

  /** Reconstructions and prior samples of run `run` (src/models/vae/views.ts). */
  async viewVae(run: number, images: readonly Uint8Array[], samples: number, seed: number): Promise<VaeViews> {
    return vaeViews(this.runAt(run).params, images, samples, seed);
  }

  /** Weight matrix `layer`, unit-major: 0..L-1 the encoder q_1..q_L, L..2L-1 the decoder p_0..p_{L-1}. */
  async readWeights(run: number, layer: number): Promise<WeightMatrix> {
    const r = this.runAt(run);
    const L = this.config.layers;
    if (!Number.isInteger(layer) || layer < 0 || layer >= 2 * L) throw new EngineError(`layer must be in 0..${2 * L - 1}, got ${layer}`, 'config');
    const { sizes } = r.params;
    // stored input-major, like the bandit's
    if (layer < L) return unitMajor(r.tensors[2 * layer].value, sizes[layer], sizes[layer + 1]);
    const m = layer - L;
    return unitMajor(r.tensors[2 * L + 2 * m].value, sizes[m + 1], sizes[m]);
  }
}
