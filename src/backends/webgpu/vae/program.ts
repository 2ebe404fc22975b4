// The discrete VAE program on the GpuEngine (docs/math.md §3): every run (estimators × seeds)
// advances in the same dispatches (the run is the z dimension of every grid, runs of one seed
// share minibatches and initial weights); one update is one compute pass with no readback:
// binarization, the main forward pass (encoder logits, samples, entropies; decoder logits,
// log-likelihoods and their gradients), the partial passes of LOO and DisARM, each estimator's
// encoder gradient, weight gradients, the encoder-gradient variance (§4), counters and per-layer
// baselines, and Adam. It reproduces the CPU engine (src/backends/cpu/cpuVaeEngine.ts): the same
// random numbers, samples and records, parameters within float32 rounding.
import { initArrays, paramsFromArrays, tensorSizes, type VaeShape } from '../../../models/vae/params.ts';
import { traceVaeExample } from '../../../models/vae/trace.ts';
import { vaeViews } from '../../../models/vae/views.ts';
import { Stream } from '../../../rng/streams.ts';
import { vaeEstimator } from '../../../engine/estimators.ts';
import { EngineError, type ExampleTrace, type RunCounters, type VaeConfig, type VaeViews, type WeightMatrix } from '../../../engine/types.ts';
import { validateVaeConfig } from '../../../engine/validate.ts';
import { unitMajor } from '../../../engine/weights.ts';
import { configureTask, type EvaluationPlan, type GpuProgram, type Plan, type ProgramContext, type ProgramInstance, type RunStateBuffer, type RunStateViews } from '../program.ts';
import { requireStorageBuffers } from '../runtime/limits.ts';
import { uniformView } from '../runtime/pipelines.ts';
import type { UniformSlots } from '../runtime/uniformSlots.ts';
import { makeStructuredView, type StructuredView } from '../runtime/webgpuUtils.ts';
import type { StepValues } from '../stepParams.ts';
import type { TensorSlot } from '../stateTensors.ts';
import { evaluateBoundOnGpu } from './evaluate.ts';
import { createVaeKernels, type VaeKernelSet } from './kernels.ts';
import { TILE_DEPTH, VAE_SIGNAL_CODE } from '../kernels/constants.ts';
import { vaeLayout, type VaeLayout } from './layout.ts';
import { VaeUpdatePlan, type VaeActivationBuffers, type VaeStaticBuffers } from './plan.ts';

/** uniform slots (one per update) per submission */
const STEP_SLOTS = 64;

type StaticBuffers = VaeStaticBuffers;
type ActivationBuffers = VaeActivationBuffers;

/**
 * The discrete VAE's program (docs/math.md §3). Parameters per run are flat in the CPU's tensor
 * order [W_1, b_1, …, W_L, b_L, D_0, c_0, …, D_{L-1}, c_{L-1}, c_L] (W input-major).
 */
export class VaeProgram implements ProgramInstance {
  readonly samplingStreams = { hidden: Stream.vaeBase, action: 0 };
  readonly failure = 'non-finite ELBO or encoder gradient';
  readonly buffers: StaticBuffers;
  readonly runStates: RunStateBuffer[];
  readonly varianceLayers: number;
  readonly stateLayout: TensorSlot[];
  private readonly config: VaeConfig;
  private readonly shape: VaeShape;
  private readonly kernels: VaeKernelSet;
  private readonly steps: UniformSlots<StepValues>;
  private readonly layerView: StructuredView;
  private readonly vaeLayerView: StructuredView;
  private readonly signals: Set<string>;
  private activations: ActivationBuffers;
  private layout: VaeLayout;
  private plan: VaeUpdatePlan | null = null;

  /**
   * Plans (and checks against the device limits) before allocating.
   * @throws EngineError('limits') for a configuration too large for the device (a buffer, a
   * kernel's workgroup, a dispatch grid)
   */
  constructor(private readonly ctx: ProgramContext<VaeConfig>) {
    const { rt, config, data, runs } = ctx;
    this.config = config;
    this.shape = { pixels: data.pixels, layers: config.layers, width: config.width };
    this.signals = new Set(runs.map((r) => vaeEstimator(r.estimator).signal));
    const sizes = [data.pixels, ...Array.from({ length: config.layers }, () => config.width)];
    this.layout = vaeLayout(sizes, runs.length, config.batch, this.signals.has('leave-one-out') || this.signals.has('disarm'));
    this.varianceLayers = config.layers;
    this.stateLayout = this.tensorLayout();
    this.checkBufferSizes(this.layout);

    const res = rt.res;
    this.kernels = createVaeKernels(rt, ctx.tile, TILE_DEPTH);
    this.steps = ctx.stepSlots(uniformView(this.kernels.adam_ascent, 'step'), STEP_SLOTS);
    this.layerView = uniformView(this.kernels.adam_ascent, 'layer');
    this.vaeLayerView = uniformView(this.kernels.vae_baselines_and_counters, 'vl');
    const runStateDef = this.kernels.adam_ascent.defs.structs.RunState;
    const vaeRunStateDef = this.kernels.vae_baselines_and_counters.defs.structs.VaeRunState;
    const runStates = new ArrayBuffer(runStateDef.size * runs.length);
    const vaeRunStates = new ArrayBuffer(vaeRunStateDef.size * runs.length);
    runs.forEach((run, r) => {
      const e = vaeEstimator(run.estimator);
      makeStructuredView(runStateDef, runStates, r * runStateDef.size).set({ seed: run.seed, group: ctx.groupOfRun[r], hnca: 0, useBaseline: 0, finite: 1, failedUpdate: 0, baseline: 0 });
      makeStructuredView(vaeRunStateDef, vaeRunStates, r * vaeRunStateDef.size).set({
        signal: VAE_SIGNAL_CODE[e.signal],
        useBaseline: e.baseline ? 1 : 0,
        allChildren: e.ablations.includes('all-children') ? 1 : 0,
        fullReward: e.ablations.includes('full-reward') ? 1 : 0,
        group: ctx.groupOfRun[r],
      });
    });
    const per = this.layout.paramsPerRun;
    const params = new Float32Array(runs.length * per);
    const sizesOfTensors = tensorSizes(this.shape);
    runs.forEach((run, r) => {
      const arrays = sizesOfTensors.map((n) => new Float32Array(n));
      initArrays(this.shape, run.seed, arrays);
      let at = r * per;
      for (const a of arrays) {
        params.set(a, at);
        at += a.length;
      }
    });
    const bytes = runs.length * per * 4;
    const L = config.layers;
    this.buffers = {
      trainImages: res.storage('train images (u8 intensities, 4 per u32)', data.train.images),
      trainLabels: res.storage('train labels (u32)', Uint32Array.from(data.train.labels)),
      permutation: res.storage('epoch permutations (groups × train images)', ctx.seeds.length * data.train.count * 4),
      groupSeeds: res.storage('group seeds', Uint32Array.from(ctx.seeds)),
      runs: res.storage('run states', new Uint8Array(runStates)),
      vaeRuns: res.storage('VAE run states (estimator switches, baselines)', new Uint8Array(vaeRunStates)),
      params: res.storage('parameters (runs × params)', params),
      grads: res.storage('gradients (runs × params)', bytes),
      moment1: res.storage('Adam first moments', bytes),
      moment2: res.storage('Adam second moments', bytes),
      variance: res.storage('encoder-gradient variance sums (runs × layers)', runs.length * L * 4),
      metrics: res.storage('metric window (runs × stride)', runs.length * (4 + L) * 4),
    };
    this.runStates = [
      { buffer: this.buffers.runs, def: runStateDef },
      { buffer: this.buffers.vaeRuns, def: vaeRunStateDef },
    ];
    this.activations = this.createActivations(this.layout);
    this.plan = this.planUpdate(config.batch);
  }

  get paramsPerRun(): number {
    return this.layout.paramsPerRun;
  }

  /** examples per run the batch-sized buffers hold */
  get capacity(): number {
    return this.layout.capacity;
  }

  /** The largest buffers against the device limits, before anything is allocated. */
  private checkBufferSizes(layout: VaeLayout): void {
    const { runs, capacity, paramsPerRun, termStride, layers } = layout;
    const { data, seeds } = this.ctx;
    requireStorageBuffers(this.ctx.device, [
      [`parameters of ${runs} runs`, runs * paramsPerRun * 4],
      ['the logits of every layer and pass', layout.logitBytes],
      ['the samples of every layer and pass', layout.sampleBytes],
      ['the logit gradients of every layer', layout.signalBytes],
      ['the per-example ELBO terms', (layers + 1) * runs * capacity * termStride * 4],
      ['the training images', data.train.images.byteLength],
      ['the epoch permutations', seeds.length * data.train.count * 4],
    ]);
  }

  private createActivations(layout: VaeLayout): ActivationBuffers {
    const res = this.ctx.rt.res;
    const { runs, capacity, sizes, layers, termStride } = layout;
    const groups = this.ctx.seeds.length;
    return {
      pixels: res.storage('minibatch pixels 0/1 (groups × capacity × pixels)', groups * capacity * sizes[0] * 4),
      batchLabels: res.storage('minibatch labels (groups × capacity)', groups * capacity * 4),
      logits: res.storage('logits of every layer and pass', layout.logitBytes),
      samples: res.storage('samples of every layer and pass (0/1)', layout.sampleBytes),
      signals: res.storage('logit gradients of every layer', layout.signalBytes),
      terms: res.storage('per-example ELBO terms (passes × runs × capacity × 2L+2)', (layers + 1) * runs * capacity * termStride * 4),
      targets: res.storage('per-example baseline targets (runs × capacity × L+1)', runs * capacity * (layers + 1) * 4),
      scratch: res.storage('scratch (unread outputs)', runs * capacity * Math.max(...sizes) * 4),
    };
  }

  /** Releases the activation buffers and the current plan's uniforms. */
  private releaseActivations(): void {
    for (const b of [...Object.values(this.activations), ...(this.plan?.uniforms ?? [])]) this.ctx.rt.res.release(b);
    this.plan = null;
  }

  /**
   * Every dispatch of one update of `batch` examples with its bind groups and grids, each grid
   * checked against the device limits (plan.ts).
   * @throws EngineError('limits') naming the kernel, the grid dimension and the value
   */
  private planUpdate(batch: number): VaeUpdatePlan {
    const { rt, tile, seeds } = this.ctx;
    return new VaeUpdatePlan(
      { rt, kernels: this.kernels, layout: this.layout, buffers: { ...this.buffers, ...this.activations }, step: this.steps.binding, layerView: this.layerView, vaeLayerView: this.vaeLayerView, tile, groups: seeds.length, signals: this.signals },
      batch,
    );
  }
  updatePlan(): Plan {
    if (!this.plan) throw new EngineError('WebGPU VAE program: no update plan (a failed batch change)', 'internal');
    return { stages: [{ label: 'VAE update', dispatches: this.plan.dispatches }] };
  }

  /** The K-sample importance-weighted bound (K = config.testK) of every run over the binarized test set, on this device (evaluate.ts: the parameters read back once, then ../vaeBound in chunks, progress after each). */
  evaluation(): EvaluationPlan {
    return {
      evaluate: async (evaluation, options) => {
        const params = await this.readAllParameters();
        const { rt, config, data, runs } = this.ctx;
        return evaluateBoundOnGpu(rt, { config, data, runs, params, evaluation, onProgress: options?.onProgress });
      },
    };
  }

  /** @throws EngineError('limits') for a batch whose buffers or grids exceed the device (nothing changes then) */
  resize(batch: number): void {
    const capacity = Math.max(batch, this.layout.capacity);
    const layout = capacity === this.layout.capacity ? this.layout : vaeLayout(this.layout.sizes, this.layout.runs, capacity, this.layout.pairs);
    this.checkBufferSizes(layout);
    this.releaseActivations();
    this.layout = layout;
    this.activations = this.createActivations(layout);
    try {
      this.plan = this.planUpdate(batch);
    } catch (error) {
      this.releaseActivations();
      this.activations = this.createActivations(layout);
      this.plan = this.planUpdate(this.config.batch);
      throw error;
    }
  }

  /** A run's baselines [L + 1] from its VaeRunState (the pixel layer's, index 0, is always 0). */
  baselines(views: RunStateViews): number[] {
    const baselines = Array.from(views[1].baselines.subarray(0, this.config.layers + 1));
    baselines[0] = 0;
    return baselines;
  }

  restoreBaselines(views: RunStateViews, saved: readonly number[]): void {
    const baselines = views[1].baselines;
    baselines.fill(0);
    saved.slice(0, this.config.layers + 1).forEach((b, l) => (baselines[l] = b));
  }

  /** Adam's steps of a run: its updates (the CPU engine's count). */
  optimizerSteps(counters: RunCounters): number {
    return counters.updates;
  }

  /** Every run's parameters, flat in tensor order (one readback). */
  async readAllParameters(): Promise<Float32Array[]> {
    const { rt, runs } = this.ctx;
    rt.check();
    const per = this.layout.paramsPerRun;
    const flat = new Float32Array(await rt.res.read(this.buffers.params, 0, runs.length * per * 4, 'parameters'));
    rt.check();
    return runs.map((_, r) => flat.slice(r * per, (r + 1) * per));
  }

  /** Parameters of run `run` as float32 tensors in the CPU's order (a copy). */
  readParameters(run: number): Promise<Float32Array[]> {
    return this.ctx.readRunTensors(run);
  }

  /** Encoder probabilities, samples and HNCA credit per layer (the CPU's trace on the read-back parameters). */
  async inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace> {
    if (pixels.length !== this.ctx.data.pixels) throw new EngineError(`inspect needs ${this.ctx.data.pixels} pixels, got ${pixels.length}`, 'config');
    return traceVaeExample(paramsFromArrays(this.shape, await this.readParameters(run)), pixels, seed);
  }

  /**
   * The playground's views of run `run` (reconstructions of `images`, `samples` prior digits),
   * from its parameters read back once (src/models/vae/views.ts, as the CPU engine).
   * @throws EngineError('config') for a run out of range or an image of the wrong size
   */
  async viewVae(run: number, images: readonly Uint8Array[], samples: number, seed: number): Promise<VaeViews> {
    return vaeViews(paramsFromArrays(this.shape, await this.readParameters(run)), images, samples, seed);
  }

  /** Weight matrix `layer`, unit-major: 0..L-1 the encoder q_1..q_L, L..2L-1 the decoder p_0..p_{L-1}. */
  async readWeights(run: number, layer: number): Promise<WeightMatrix> {
    const L = this.config.layers;
    if (!Number.isInteger(layer) || layer < 0 || layer >= 2 * L) throw new EngineError(`layer must be in 0..${2 * L - 1}, got ${layer}`, 'config');
    const tensors = await this.readParameters(run);
    const { sizes } = this.layout;
    if (layer < L) return unitMajor(tensors[2 * layer], sizes[layer], sizes[layer + 1]);
    const m = layer - L;
    return unitMajor(tensors[2 * L + 2 * m], sizes[m + 1], sizes[m]);
  }

  /** Names and shapes of a run's tensors, as the CPU engine's (src/backends/cpu/cpuVaeEngine.ts). */
  private tensorLayout(): TensorSlot[] {
    const L = this.config.layers;
    const { sizes } = this.layout;
    const out: TensorSlot[] = [];
    for (let l = 1; l <= L; l++) out.push({ name: `encoder.W${l}`, shape: [sizes[l - 1], sizes[l]] }, { name: `encoder.b${l}`, shape: [sizes[l]] });
    for (let m = 0; m < L; m++) out.push({ name: `decoder.D${m}`, shape: [sizes[m + 1], sizes[m]] }, { name: `decoder.c${m}`, shape: [sizes[m]] });
    out.push({ name: `prior.c${L}`, shape: [sizes[L]] });
    return out;
  }

  /**
   * Test access: a copy of a buffer ('params', 'grads', 'samples', 'logits', 'terms', …) and the
   * layout that says where each layer lies in it.
   */
  async debugRead(name: keyof StaticBuffers | keyof ActivationBuffers): Promise<{ data: ArrayBuffer; layout: VaeLayout }> {
    this.ctx.rt.check();
    const buffer = name in this.buffers ? this.buffers[name as keyof StaticBuffers] : this.activations[name as keyof ActivationBuffers];
    return { data: await this.ctx.rt.res.read(buffer, 0, buffer.size, `debug ${name}`), layout: this.layout };
  }
}

/** The discrete VAE as a GPU program (registered in ../programs.ts). */
export const vaeProgram: GpuProgram<VaeConfig, VaeProgram> = {
  task: 'vae',
  configure: configureTask('vae', 'VAE', validateVaeConfig),
  create: (context) => new VaeProgram(context),
};
