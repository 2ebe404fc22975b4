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
import { configOfTask, type Dispatch, type EvaluationPlan, type GpuProgram, type Plan, type ProgramContext, type ProgramInstance, type RunStateBuffer, type RunStateViews } from '../program.ts';
import { foldedGrid, requireStorageBuffers, type Grid } from '../runtime/limits.ts';
import { uniformView, type BindingResource } from '../runtime/pipelines.ts';
import type { UniformSlots } from '../runtime/uniformSlots.ts';
import { makeStructuredView, type StructuredView } from '../runtime/webgpuUtils.ts';
import type { StepValues } from '../stepParams.ts';
import type { TensorSlot } from '../stateTensors.ts';
import { evaluateBoundOnGpu } from './evaluate.ts';
import { createVaeKernels, type VaeKernelName, type VaeKernelSet } from './kernels.ts';
import { region, vaeLayout, type Region, type VaeLayout } from './layout.ts';

/** uniform slots (one per update) per submission */
const STEP_SLOTS = 64;
const TILE_DEPTH = 64;
/** VaeRunState.signal of each VAE learning signal (shaders/vae_common.wgsl) */
const SIGNAL_CODE = { fhnca: 0, 'score-function': 1, 'leave-one-out': 2, disarm: 3 } as const;

/** Buffers that live as long as the engine. */
interface StaticBuffers {
  trainImages: GPUBuffer;
  trainLabels: GPUBuffer;
  permutation: GPUBuffer;
  groupSeeds: GPUBuffer;
  runs: GPUBuffer;
  vaeRuns: GPUBuffer;
  params: GPUBuffer;
  grads: GPUBuffer;
  moment1: GPUBuffer;
  moment2: GPUBuffer;
  variance: GPUBuffer;
  metrics: GPUBuffer;
}

/** Buffers sized by the batch capacity. */
interface ActivationBuffers {
  pixels: GPUBuffer;
  batchLabels: GPUBuffer;
  logits: GPUBuffer;
  samples: GPUBuffer;
  signals: GPUBuffer;
  terms: GPUBuffer;
  targets: GPUBuffer;
  /** written by kernels whose output nobody reads here (bernoulli_sample's probabilities, partial passes' logit gradients) */
  scratch: GPUBuffer;
}

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
  private plan: Dispatch[] = [];
  private uniforms: GPUBuffer[] = [];

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
        signal: SIGNAL_CODE[e.signal],
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

  private releaseActivations(): void {
    for (const b of Object.values(this.activations)) this.ctx.rt.res.release(b);
    for (const b of this.uniforms) this.ctx.rt.res.release(b);
    this.uniforms = [];
  }

  /** A uniform buffer holding `values` of the view (LayerParams or VaeLayer), owned by the runtime's resources. */
  private uniform(view: StructuredView, values: Record<string, number>, label: string): GPUBuffer {
    view.set(Object.fromEntries(Object.keys(view.views).map((k) => [k, 0])));
    view.set(values);
    const buffer = this.ctx.rt.res.buffer(label, view.arrayBuffer.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.ctx.device.queue.writeBuffer(buffer, 0, view.arrayBuffer);
    this.uniforms.push(buffer);
    return buffer;
  }

  /** LayerParams of the units' kernels for one weight matrix (inputs → outputs) at a parameter offset. */
  private layerParams(values: { layer?: number; inWidth: number; outWidth: number; paramOffset: number; inputIsPixels: boolean }, label: string): GPUBuffer {
    const { paramsPerRun, capacity, runs, layers } = this.layout;
    return this.uniform(
      this.layerView,
      { ...values, layer: values.layer ?? 0, inputIsPixels: values.inputIsPixels ? 1 : 0, paramsPerRun, capacity, centered: 0, flipMagnitude: 1, runs, layers, metricStride: 4 + layers },
      `layer uniform: ${label}`,
    );
  }

  /** VaeLayer (shaders/vae_common.wgsl) of one VAE dispatch. */
  private vaeLayer(values: Record<string, number>, label: string): GPUBuffer {
    const { paramsPerRun, capacity, runs, layers, termStride, sizes } = this.layout;
    return this.uniform(
      this.vaeLayerView,
      { layers, runs, capacity, paramsPerRun, termStride, pixels: sizes[0], width: sizes[1], metricStride: 4 + layers, ...values },
      `VAE uniform: ${label}`,
    );
  }

  /**
   * Every dispatch of one update, with its bind groups and grids for the current batch size,
   * each grid checked against the device limits.
   * @throws EngineError('limits') naming the kernel, the grid dimension and the value
   */
  private planUpdate(batch: number): Dispatch[] {
    const rt = this.ctx.rt;
    const k = this.kernels;
    const lay = this.layout;
    const a = this.activations;
    const s = this.buffers;
    const { sizes, layers: L, runs } = lay;
    const groups = this.ctx.seeds.length;
    const T = this.ctx.tile;
    const step = this.steps.binding;
    const plan: Dispatch[] = [];
    const add = (kernel: VaeKernelName, label: string, resources: Record<string, BindingResource>, grid: Grid): void => {
      rt.checkGrid(grid, `kernel ${kernel} (${label}, a batch of ${batch})`);
      plan.push({ kernel: k[kernel], group: rt.bind(k[kernel], label, { step, ...resources }), grid });
    };
    const part = (buffer: GPUBuffer, r: Region): BindingResource => ({ buffer, offset: r.offset, size: r.size });
    const flat = (invocations: number): Grid => foldedGrid(this.ctx.device, Math.ceil(invocations / 64), runs);
    const perExample: Grid = [Math.max(1, Math.ceil(batch / 64)), 1, runs];
    const logitsOf = (pass: number, l: number) => part(a.logits, region(lay.encoderLogits[pass][l], `u${l} of pass ${pass}`));
    const decoderOf = (pass: number, m: number) => part(a.logits, region(lay.decoderLogits[pass][m], `v${m} of pass ${pass}`));
    const samplesOf = (pass: number, l: number) => part(a.samples, region(lay.samples[pass][l], `φ${l} of pass ${pass}`));
    /** φ_{l} of the main pass, or the pixels at l = 0 */
    const valuesBelow = (pass: number, l: number) => (l === 0 ? a.pixels : samplesOf(pass, l));
    const pairs = this.signals.has('leave-one-out') || this.signals.has('disarm');

    const affine = (label: string, inWidth: number, outWidth: number, paramOffset: number, inputs: BindingResource, logits: BindingResource, inputIsPixels: boolean) =>
      add(
        'affine_logits',
        label,
        { layer: this.layerParams({ inWidth, outWidth, paramOffset, inputIsPixels }, label), runs: s.runs, params: s.params, inputs, logits },
        [Math.ceil(outWidth / T), Math.ceil(batch / T), runs],
      );
    const sample = (label: string, stream: number, logits: BindingResource, samples: BindingResource, width: number) =>
      add('bernoulli_sample', label, { layer: this.layerParams({ layer: stream, inWidth: 0, outWidth: width, paramOffset: 0, inputIsPixels: false }, label), runs: s.runs, logits, probs: a.scratch, samples }, flat(batch * width));
    const entropy = (pass: number, l: number) =>
      add('bernoulli_entropy_sum', `entropy ${l} pass ${pass}`, { vl: this.vaeLayer({ l, width: sizes[l], termSlot: l, passIndex: pass }, `entropy ${l} pass ${pass}`), logits: logitsOf(pass, l), terms: a.terms }, perExample);
    /** decoder term m of `pass`: logits from the pass's φ_{m+1}, log-likelihood of `targets` (its φ_m, or the main φ_{m} for the partial pass's first term) */
    const decoderTerm = (pass: number, m: number, targets: BindingResource, gradient: boolean) => {
      const label = `decoder ${m} pass ${pass}`;
      if (m < L) affine(label, sizes[m + 1], sizes[m], lay.decoderParams[m], samplesOf(pass, m + 1), decoderOf(pass, m), false);
      else affine(label, 0, sizes[L], lay.priorParams, a.scratch, decoderOf(pass, m), false);
      add(
        'bernoulli_log_likelihood',
        `log-likelihood ${m} pass ${pass}`,
        {
          vl: this.vaeLayer({ l: m, width: sizes[m], termSlot: L + 1 + m, passIndex: pass, gradient: gradient ? 1 : 0, targetIsPixels: m === 0 ? 1 : 0 }, label),
          vaeRuns: s.vaeRuns,
          logits: decoderOf(pass, m),
          targets,
          terms: a.terms,
          gradient: gradient ? part(a.signals, lay.decoderGradient[m]) : a.scratch,
        },
        perExample,
      );
    };

    // binarized minibatch
    add(
      'binarize_minibatch',
      'binarize',
      {
        layer: this.layerParams({ inWidth: sizes[0], outWidth: 0, paramOffset: 0, inputIsPixels: true }, 'binarize'),
        images: s.trainImages,
        labels: s.trainLabels,
        permutation: s.permutation,
        groupSeeds: s.groupSeeds,
        pixelsOut: a.pixels,
        batchLabels: a.batchLabels,
      },
      [Math.ceil(sizes[0] / 64), batch, groups],
    );
    // main pass: encoder layers, then every decoder term
    for (let l = 1; l <= L; l++) {
      affine(`encoder ${l}`, sizes[l - 1], sizes[l], lay.encoderParams[l], valuesBelow(0, l - 1), logitsOf(0, l), l === 1);
      sample(`sample ${l}`, l, logitsOf(0, l), samplesOf(0, l), sizes[l]);
      if (this.signals.has('leave-one-out')) sample(`second sample ${l}`, 8 * l + l, logitsOf(0, l), samplesOf(l, l), sizes[l]);
      if (this.signals.has('disarm')) {
        add(
          'bernoulli_antithetic_sample',
          `antithetic ${l}`,
          {
            layer: this.layerParams({ layer: l, inWidth: 0, outWidth: sizes[l], paramOffset: 0, inputIsPixels: false }, `antithetic ${l}`),
            runs: s.runs,
            vaeRuns: s.vaeRuns,
            logits: logitsOf(0, l),
            samples: samplesOf(0, l),
            antithetic: samplesOf(l, l),
          },
          flat(batch * sizes[l]),
        );
      }
      entropy(0, l);
    }
    for (let m = 0; m <= L; m++) decoderTerm(0, m, valuesBelow(0, m), true);
    // partial passes of LOO and DisARM from each layer f
    if (pairs) {
      for (let f = 1; f <= L; f++) {
        const label = `decoder ${f - 1} pass ${f}`;
        affine(label, sizes[f], sizes[f - 1], lay.decoderParams[f - 1], samplesOf(f, f), decoderOf(f, f - 1), false);
        add(
          'bernoulli_log_likelihood',
          `log-likelihood ${f - 1} pass ${f}`,
          {
            vl: this.vaeLayer({ l: f - 1, width: sizes[f - 1], termSlot: L + f, passIndex: f, gradient: 0, targetIsPixels: f === 1 ? 1 : 0 }, label),
            vaeRuns: s.vaeRuns,
            logits: decoderOf(f, f - 1),
            targets: valuesBelow(0, f - 1),
            terms: a.terms,
            gradient: a.scratch,
          },
          perExample,
        );
        for (let l = f + 1; l <= L; l++) {
          affine(`encoder ${l} pass ${f}`, sizes[l - 1], sizes[l], lay.encoderParams[l], samplesOf(f, l - 1), logitsOf(f, l), false);
          sample(`sample ${l} pass ${f}`, 8 * f + l, logitsOf(f, l), samplesOf(f, l), sizes[l]);
          entropy(f, l);
        }
        for (let m = f; m <= L; m++) decoderTerm(f, m, samplesOf(f, m), false);
      }
    }
    // each estimator's encoder gradient, layer by layer
    const mainRegions = (l: number) => ({
      uAt: region(lay.encoderLogits[0][l], 'u').at,
      phiAt: region(lay.samples[0][l], 'φ').at,
      vAt: region(lay.decoderLogits[0][l], 'v').at,
      belowVAt: region(lay.decoderLogits[0][l - 1], 'v below').at,
      belowPhiAt: l > 1 ? region(lay.samples[0][l - 1], 'φ below').at : 0,
      aboveUAt: l < L ? region(lay.encoderLogits[0][l + 1], 'u above').at : 0,
      abovePhiAt: l < L ? region(lay.samples[0][l + 1], 'φ above').at : 0,
    });
    for (let l = 1; l <= L; l++) {
      const gradient = part(a.signals, region(lay.encoderGradient[l], `gradient ${l}`));
      if (this.signals.has('fhnca')) {
        add(
          'vae_fhnca_signal',
          `f-HNCA ${l}`,
          {
            vl: this.vaeLayer(
              {
                l,
                width: sizes[l],
                below: sizes[l - 1],
                above: l < L ? sizes[l + 1] : 0,
                decoderOffset: lay.decoderParams[l - 1],
                encoderOffset: l < L ? lay.encoderParams[l + 1] : 0,
                targetIsPixels: l === 1 ? 1 : 0,
                ...mainRegions(l),
              },
              `f-HNCA ${l}`,
            ),
            vaeRuns: s.vaeRuns,
            params: s.params,
            logits: a.logits,
            samples: a.samples,
            pixels: a.pixels,
            terms: a.terms,
            signals: gradient,
            targets: a.targets,
          },
          flat(batch * sizes[l]),
        );
      }
      const common = { vaeRuns: s.vaeRuns, logits: logitsOf(0, l), samples: samplesOf(0, l), terms: a.terms, signals: gradient, targets: a.targets };
      if (this.signals.has('score-function')) {
        add('vae_score_function_signal', `score function ${l}`, { vl: this.vaeLayer({ l, width: sizes[l] }, `score function ${l}`), ...common }, flat(batch * sizes[l]));
      }
      if (pairs) add('vae_pair_signal', `pair ${l}`, { vl: this.vaeLayer({ l, width: sizes[l] }, `pair ${l}`), ...common, pairSamples: samplesOf(l, l) }, flat(batch * sizes[l]));
    }
    // weight gradients (batch means), the encoder-gradient variance, counters, Adam
    const gradientOf = (label: string, inWidth: number, outWidth: number, paramOffset: number, inputs: BindingResource, signals: BindingResource, inputIsPixels: boolean) =>
      add(
        'weight_gradient',
        label,
        { layer: this.layerParams({ inWidth, outWidth, paramOffset, inputIsPixels }, label), runs: s.runs, inputs, signals, grads: s.grads },
        [Math.ceil(outWidth / T), Math.ceil((inWidth + 1) / T), runs],
      );
    for (let l = 1; l <= L; l++) {
      const signals = part(a.signals, region(lay.encoderGradient[l], `gradient ${l}`));
      gradientOf(`gradient W${l}`, sizes[l - 1], sizes[l], lay.encoderParams[l], valuesBelow(0, l - 1), signals, l === 1);
    }
    for (let m = 0; m < L; m++) gradientOf(`gradient D${m}`, sizes[m + 1], sizes[m], lay.decoderParams[m], samplesOf(0, m + 1), part(a.signals, lay.decoderGradient[m]), false);
    gradientOf(`gradient c${L}`, 0, sizes[L], lay.priorParams, a.scratch, part(a.signals, lay.decoderGradient[L]), false);
    for (let l = 1; l <= L; l++) {
      const label = `variance ${l}`;
      add(
        'gradient_variance',
        label,
        {
          layer: this.layerParams({ layer: l - 1, inWidth: sizes[l - 1], outWidth: sizes[l], paramOffset: lay.encoderParams[l], inputIsPixels: l === 1 }, label),
          runs: s.runs,
          inputs: valuesBelow(0, l - 1),
          signals: part(a.signals, region(lay.encoderGradient[l], `gradient ${l}`)),
          grads: s.grads,
          variance: s.variance,
        },
        [1, 1, runs],
      );
    }
    add(
      'vae_baselines_and_counters',
      'counters',
      { vl: this.vaeLayer({}, 'counters'), runs: s.runs, vaeRuns: s.vaeRuns, terms: a.terms, targets: a.targets, variance: s.variance, metrics: s.metrics },
      [runs, 1, 1],
    );
    add(
      'adam_ascent',
      'adam',
      { layer: this.layerParams({ inWidth: 0, outWidth: 0, paramOffset: 0, inputIsPixels: false }, 'adam'), runs: s.runs, grads: s.grads, params: s.params, moment1: s.moment1, moment2: s.moment2 },
      foldedGrid(this.ctx.device, Math.ceil((runs * lay.paramsPerRun) / 64), 1),
    );
    return plan;
  }
  updatePlan(): Plan {
    return { stages: [{ label: 'VAE update', dispatches: this.plan }] };
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
  configure(config, data) {
    const vae = configOfTask(config, 'vae', 'VAE');
    validateVaeConfig(vae, data);
    return vae;
  },
  create: (context) => new VaeProgram(context),
};
