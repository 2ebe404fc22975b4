// The discrete VAE program on the WebGPU runtime (docs/math.md §3): every run (estimators × seeds)
// advances in the same dispatches (the run is the z dimension of every grid, runs of one seed
// share minibatches and initial weights); one update is one compute pass with no readback:
// binarization, the main forward pass (encoder logits, samples, entropies; decoder logits,
// log-likelihoods and their gradients), the partial passes of LOO and DisARM, each estimator's
// encoder gradient, weight gradients, the encoder-gradient variance (§4), counters and per-layer
// baselines, and Adam. It reproduces the CPU engine (src/backends/cpu/cpuVaeEngine.ts): the same
// random numbers, samples and records, parameters within float32 rounding.
import type { Dataset } from '../../../data/dataset.ts';
import type { MinibatchStream } from '../../../data/minibatch.ts';
import { initArrays, paramsFromArrays, tensorSizes, type VaeShape } from '../../../models/vae/params.ts';
import { traceVaeExample } from '../../../models/vae/trace.ts';
import { vaeViews } from '../../../models/vae/views.ts';
import { Stream } from '../../../rng/streams.ts';
import { vaeEstimator } from '../../../engine/estimators.ts';
import { trainingStepValues, type StepValues } from '../stepParams.ts';
import { advanceStreams, seedGroups, startsEpoch } from '../minibatchStreams.ts';
import { RunCounterWindow } from '../runCounters.ts';
import { datasetSizes, packRunTensors, readParameterBuffers, restoreFailureFlags, runTensorsFromBuffers, savedStreamPositions, stateHeader, writeTrainingState } from '../stateTensors.ts';
import { checkStateFits, type CheckpointableEngine, type EngineState, type RunState } from '../../../engine/state.ts';
import { EngineError, evaluationKey, expandRuns, type EvaluateOptions, type EngineInfo, type EvaluationResult, type ExampleTrace, type RunCounters, type RunSpec, type VaeConfig, type VaeViews, type WeightMatrix } from '../../../engine/types.ts';
import { validateHyperparameterChange, validateVaeConfig } from '../../../engine/validate.ts';
import { unitMajor } from '../../../engine/weights.ts';
import { runIndexOf, type GpuProgram, type GpuProgramOptions } from '../program.ts';
import { foldedGrid, requireLimit, requireStorageBuffers, type Grid } from '../runtime/limits.ts';
import { uniformView, type BindingResource } from '../runtime/pipelines.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';
import { UniformSlots } from '../runtime/uniformSlots.ts';
import { makeStructuredView, type StructuredView } from '../runtime/webgpuUtils.ts';
import { evaluateBoundOnGpu } from './evaluate.ts';
import { createVaeKernels, type VaeKernelName, type VaeKernelSet } from './kernels.ts';
import { region, vaeLayout, type Region, type VaeLayout } from './layout.ts';

/** uniform slots (one per update) per submission */
const STEP_SLOTS = 64;
/** flush the metric window every this many updates */
const FLUSH_EVERY = 50;
const TILE_DEPTH = 64;
/** VaeRunState.signal of each VAE learning signal (shaders/vae_common.wgsl) */
const SIGNAL_CODE = { fhnca: 0, 'score-function': 1, 'leave-one-out': 2, disarm: 3 } as const;



/** One dispatch of an update: its kernel, bind group (the step slot bound at a dynamic offset) and grid. */
interface Dispatch {
  kernel: VaeKernelName;
  group: GPUBindGroup;
  grid: Grid;
}

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
 * The discrete VAE's TrainingEngine on WebGPU (docs/math.md §3). Parameters per run are flat in the
 * CPU's tensor order [W_1, b_1, …, W_L, b_L, D_0, c_0, …, D_{L-1}, c_{L-1}, c_L] (W input-major).
 */
export class GpuVaeEngine implements CheckpointableEngine {
  readonly info: EngineInfo;
  readonly config: VaeConfig;
  readonly runs: RunSpec[];
  readonly device: GPUDevice;
  updatesDone = 0;
  private evaluations = 0;
  private readonly shape: VaeShape;
  private readonly kernels: VaeKernelSet;
  private readonly tile: number;
  private readonly streams: MinibatchStream[];
  private readonly groupOfRun: number[];
  private readonly statics: StaticBuffers;
  private activations: ActivationBuffers;
  private layout: VaeLayout;
  private plan: Dispatch[] = [];
  private readonly steps: UniformSlots<StepValues>;
  private readonly layerView: StructuredView;
  private readonly vaeLayerView: StructuredView;
  private uniforms: GPUBuffer[] = [];
  private readonly runStateSize: number;
  private readonly vaeRunStateSize: number;
  private readonly counters: RunCounterWindow;
  private readonly signals: Set<string>;

  /**
   * Plans (and checks against the device limits) before allocating, then builds everything
   * inside the runtime's set-up scopes; the factory awaits runtime.ready().
   * @throws EngineError('config') for an invalid configuration, EngineError('limits') for one
   * too large for the device (a buffer, a kernel's workgroup, a dispatch grid)
   */
  constructor(
    private readonly rt: GpuRuntime,
    config: VaeConfig,
    private readonly data: Dataset,
    options: GpuProgramOptions = {},
  ) {
    validateVaeConfig(config, data);
    this.device = rt.device;
    this.config = { ...config, estimators: [...config.estimators], seeds: [...config.seeds] };
    this.info = { backend: 'webgpu', description: rt.description };
    this.runs = expandRuns(config);
    this.tile = options.tile ?? (rt.cpuAdapter ? 4 : this.device.limits.maxComputeInvocationsPerWorkgroup >= 256 ? 16 : 8);
    const { seeds, groupOfRun, streams } = seedGroups(this.runs, data.train.count);
    this.groupOfRun = groupOfRun;
    this.streams = streams;
    this.shape = { pixels: data.pixels, layers: config.layers, width: config.width };
    this.signals = new Set(this.runs.map((r) => vaeEstimator(r.estimator).signal));
    const sizes = [data.pixels, ...Array.from({ length: config.layers }, () => config.width)];
    this.layout = vaeLayout(sizes, this.runs.length, config.batch, this.signals.has('leave-one-out') || this.signals.has('disarm'));
    requireLimit(this.device, 'maxComputeWorkgroupsPerDimension', this.runs.length, `${this.runs.length} runs`);
    this.checkBufferSizes(this.layout);

    const res = rt.res;
    rt.beginSetup();
    try {
      this.kernels = createVaeKernels(rt, this.tile, TILE_DEPTH);
      this.steps = new UniformSlots(res, 'VAE step uniform slots', uniformView(this.kernels.adam_ascent, 'step'), STEP_SLOTS);
      this.layerView = uniformView(this.kernels.adam_ascent, 'layer');
      this.vaeLayerView = uniformView(this.kernels.vae_baselines_and_counters, 'vl');
      const runStateDef = this.kernels.adam_ascent.defs.structs.RunState;
      const vaeRunStateDef = this.kernels.vae_baselines_and_counters.defs.structs.VaeRunState;
      this.runStateSize = runStateDef.size;
      this.vaeRunStateSize = vaeRunStateDef.size;
      const runStates = new ArrayBuffer(this.runStateSize * this.runs.length);
      const vaeRunStates = new ArrayBuffer(this.vaeRunStateSize * this.runs.length);
      this.runs.forEach((run, r) => {
        const e = vaeEstimator(run.estimator);
        makeStructuredView(runStateDef, runStates, r * this.runStateSize).set({ seed: run.seed, group: this.groupOfRun[r], hnca: 0, useBaseline: 0, finite: 1, failedUpdate: 0, baseline: 0 });
        makeStructuredView(vaeRunStateDef, vaeRunStates, r * this.vaeRunStateSize).set({
          signal: SIGNAL_CODE[e.signal],
          useBaseline: e.baseline ? 1 : 0,
          allChildren: e.ablations.includes('all-children') ? 1 : 0,
          fullReward: e.ablations.includes('full-reward') ? 1 : 0,
          group: this.groupOfRun[r],
        });
      });
      const per = this.layout.paramsPerRun;
      const params = new Float32Array(this.runs.length * per);
      const sizesOfTensors = tensorSizes(this.shape);
      this.runs.forEach((run, r) => {
        const arrays = sizesOfTensors.map((n) => new Float32Array(n));
        initArrays(this.shape, run.seed, arrays);
        let at = r * per;
        for (const a of arrays) {
          params.set(a, at);
          at += a.length;
        }
      });
      const bytes = this.runs.length * per * 4;
      const L = config.layers;
      this.statics = {
        trainImages: res.storage('train images (u8 intensities, 4 per u32)', data.train.images),
        trainLabels: res.storage('train labels (u32)', Uint32Array.from(data.train.labels)),
        permutation: res.storage('epoch permutations (groups × train images)', seeds.length * data.train.count * 4),
        groupSeeds: res.storage('group seeds', Uint32Array.from(seeds)),
        runs: res.storage('run states', new Uint8Array(runStates)),
        vaeRuns: res.storage('VAE run states (estimator switches, baselines)', new Uint8Array(vaeRunStates)),
        params: res.storage('parameters (runs × params)', params),
        grads: res.storage('gradients (runs × params)', bytes),
        moment1: res.storage('Adam first moments', bytes),
        moment2: res.storage('Adam second moments', bytes),
        variance: res.storage('encoder-gradient variance sums (runs × layers)', this.runs.length * L * 4),
        metrics: res.storage('metric window (runs × stride)', this.runs.length * (4 + L) * 4),
      };
      this.streams.forEach((s, g) => res.write(this.statics.permutation, s.permutation, g * data.train.count * 4));
      this.activations = this.createActivations(this.layout);
      this.plan = this.planUpdate();
      this.counters = new RunCounterWindow(rt, {
        runs: this.runs.length,
        layers: L,
        runState: runStateDef,
        metrics: this.statics.metrics,
        runStates: this.statics.runs,
        failure: 'non-finite ELBO or encoder gradient',
        flushEvery: options.flushEvery ?? FLUSH_EVERY,
      });
      rt.endSetup(true);
    } catch (error) {
      rt.endSetup(false);
      throw error;
    }
  }

  /** The largest buffers against the device limits, before anything is allocated. */
  private checkBufferSizes(layout: VaeLayout): void {
    const { runs, capacity, paramsPerRun, termStride, layers } = layout;
    const largest: [string, number][] = [
      [`parameters of ${runs} runs`, runs * paramsPerRun * 4],
      ['the logits of every layer and pass', layout.logitBytes],
      ['the samples of every layer and pass', layout.sampleBytes],
      ['the logit gradients of every layer', layout.signalBytes],
      ['the per-example ELBO terms', (layers + 1) * runs * capacity * termStride * 4],
      ['the training images', this.data.train.images.byteLength],
      ['the epoch permutations', this.streams.length * this.data.train.count * 4],
    ];
    requireStorageBuffers(this.device, largest);
  }

  private createActivations(layout: VaeLayout): ActivationBuffers {
    const res = this.rt.res;
    const { runs, capacity, sizes, layers, termStride } = layout;
    const groups = this.streams.length;
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
    for (const b of Object.values(this.activations)) this.rt.res.release(b);
    for (const b of this.uniforms) this.rt.res.release(b);
    this.uniforms = [];
  }

  /** A uniform buffer holding `values` of the view (LayerParams or VaeLayer), owned by the runtime's resources. */
  private uniform(view: StructuredView, values: Record<string, number>, label: string): GPUBuffer {
    view.set(Object.fromEntries(Object.keys(view.views).map((k) => [k, 0])));
    view.set(values);
    const buffer = this.rt.res.buffer(label, view.arrayBuffer.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.device.queue.writeBuffer(buffer, 0, view.arrayBuffer);
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
  private planUpdate(): Dispatch[] {
    const rt = this.rt;
    const k = this.kernels;
    const lay = this.layout;
    const a = this.activations;
    const s = this.statics;
    const { sizes, layers: L, runs } = lay;
    const batch = this.config.batch;
    const groups = this.streams.length;
    const T = this.tile;
    const step = this.steps.binding;
    const plan: Dispatch[] = [];
    const add = (kernel: VaeKernelName, label: string, resources: Record<string, BindingResource>, grid: Grid): void => {
      rt.checkGrid(grid, `kernel ${kernel} (${label}, a batch of ${batch})`);
      plan.push({ kernel, group: rt.bind(k[kernel], label, { step, ...resources }), grid });
    };
    const part = (buffer: GPUBuffer, r: Region): BindingResource => ({ buffer, offset: r.offset, size: r.size });
    const flat = (invocations: number): Grid => foldedGrid(this.device, Math.ceil(invocations / 64), runs);
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
      foldedGrid(this.device, Math.ceil((runs * lay.paramsPerRun) / 64), 1),
    );
    return plan;
  }

  get updatesPerEpoch(): number {
    return Math.floor(this.data.train.count / this.config.batch);
  }

  /** @throws the runtime's error or a failed metric readback as EngineError('internal') */
  private check(): void {
    this.counters.check();
  }

  /**
   * Encodes and submits n updates (up to STEP_SLOTS per submission, split at epoch boundaries)
   * and resolves when the GPU has done them. Nothing is read back here except the periodic
   * metric window (MetricsReader).
   */
  async step(n: number): Promise<void> {
    this.check();
    let left = n;
    const batch = this.config.batch;
    while (left > 0) {
      const values: StepValues[] = [];
      while (values.length < STEP_SLOTS && left > 0) {
        if (startsEpoch(this.streams, batch) && values.length > 0) break;
        const { epoch, cursor } = advanceStreams(this.rt.res, this.streams, this.statics.permutation, batch, this.data.train.count);
        values.push(trainingStepValues(this.config, this.updatesDone + values.length, cursor, epoch, this.data.train.count, { hidden: Stream.vaeBase, action: 0 }));
        left -= 1;
      }
      this.steps.write(values);
      const encoder = this.device.createCommandEncoder({ label: `VAE updates ${this.updatesDone}..${this.updatesDone + values.length - 1}` });
      const pass = encoder.beginComputePass({ label: 'VAE updates' });
      values.forEach((_, slot) => {
        for (const d of this.plan) {
          pass.setPipeline(this.kernels[d.kernel].pipeline);
          pass.setBindGroup(0, d.group, [this.steps.offset(slot)]);
          pass.dispatchWorkgroups(d.grid[0], d.grid[1], d.grid[2]);
        }
      });
      pass.end();
      this.updatesDone += values.length;
      this.counters.submitUpdates(encoder, values.length);
    }
    await this.rt.idle();
    this.check();
  }

  /** Every run's counters up to date (a metric flush; RunCounterWindow.read). */
  async readCounters(): Promise<RunCounters[]> {
    return this.counters.read('VAE metrics flush');
  }

  /** Every run's parameters, flat in tensor order (one readback). */
  async readAllParameters(): Promise<Float32Array[]> {
    this.check();
    const per = this.layout.paramsPerRun;
    const flat = new Float32Array(await this.rt.res.read(this.statics.params, 0, this.runs.length * per * 4, 'parameters'));
    this.check();
    return this.runs.map((_, r) => flat.slice(r * per, (r + 1) * per));
  }

  /**
   * The K-sample importance-weighted bound (K = config.testK) of every run averaged over the
   * binarized test set, on this device (evaluate.ts evaluateBoundOnGpu: the parameters are read
   * back once, then ../vaeBound computes the bound in chunks, reporting progress after each).
   */
  async evaluate(options?: EvaluateOptions): Promise<EvaluationResult[]> {
    const params = await this.readAllParameters();
    const e = evaluationKey(options, this.evaluations++);
    const results = await evaluateBoundOnGpu(this.rt, { config: this.config, data: this.data, runs: this.runs, params, evaluation: e, onProgress: options?.onProgress });
    this.check();
    return results;
  }

  /**
   * @throws EngineError('config') for invalid values, EngineError('limits') for a batch whose
   * buffers or grids exceed the device (nothing changes then)
   */
  setHyperparameters(change: { lr?: number; batch?: number }): void {
    this.check();
    validateHyperparameterChange(change, this.data.train.count);
    if (change.batch !== undefined && change.batch !== this.config.batch) {
      const previous = this.config.batch;
      const capacity = Math.max(change.batch, this.layout.capacity);
      const layout = capacity === this.layout.capacity ? this.layout : vaeLayout(this.layout.sizes, this.layout.runs, capacity, this.layout.pairs);
      this.checkBufferSizes(layout);
      this.releaseActivations();
      this.layout = layout;
      this.config.batch = change.batch;
      this.activations = this.createActivations(layout);
      try {
        this.plan = this.planUpdate();
      } catch (error) {
        this.config.batch = previous;
        this.releaseActivations();
        this.activations = this.createActivations(layout);
        this.plan = this.planUpdate();
        throw error;
      }
    }
    if (change.lr !== undefined) this.config.lr = change.lr;
  }

  private runIndex(run: number): number {
    return runIndexOf(this.runs, run);
  }

  /** Parameters of run `run` as float32 tensors in the CPU's order (a copy). */
  async readParameters(run: number): Promise<Float32Array[]> {
    const r = this.runIndex(run);
    const per = this.layout.paramsPerRun;
    const flat = new Float32Array(await this.rt.res.read(this.statics.params, r * per * 4, per * 4, `parameters of run ${run}`));
    this.check();
    const out: Float32Array[] = [];
    let at = 0;
    for (const n of tensorSizes(this.shape)) {
      out.push(flat.slice(at, at + n));
      at += n;
    }
    return out;
  }

  /** Encoder probabilities, samples and HNCA credit per layer (the CPU's trace on the read-back parameters). */
  async inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace> {
    if (pixels.length !== this.data.pixels) throw new EngineError(`inspect needs ${this.data.pixels} pixels, got ${pixels.length}`, 'config');
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
  private tensorLayout(): { name: string; shape: number[] }[] {
    const L = this.config.layers;
    const { sizes } = this.layout;
    const out: { name: string; shape: number[] }[] = [];
    for (let l = 1; l <= L; l++) out.push({ name: `encoder.W${l}`, shape: [sizes[l - 1], sizes[l]] }, { name: `encoder.b${l}`, shape: [sizes[l]] });
    for (let m = 0; m < L; m++) out.push({ name: `decoder.D${m}`, shape: [sizes[m + 1], sizes[m]] }, { name: `decoder.c${m}`, shape: [sizes[m]] });
    out.push({ name: `prior.c${L}`, shape: [sizes[L]] });
    return out;
  }

  private view(def: 'RunState' | 'VaeRunState', buffer: ArrayBuffer, r: number): Record<string, Uint32Array | Float32Array> {
    const kernel = def === 'RunState' ? this.kernels.adam_ascent : this.kernels.vae_baselines_and_counters;
    const size = def === 'RunState' ? this.runStateSize : this.vaeRunStateSize;
    return makeStructuredView(kernel.defs.structs[def], buffer, r * size).views as Record<string, Uint32Array | Float32Array>;
  }

  /**
   * The whole training state (src/engine/state.ts), the CPU engine's format: counters brought up
   * to date (a metric flush), then parameters, Adam moments and run states read back once.
   */
  async exportState(): Promise<EngineState> {
    const counters = await this.readCounters();
    const per = this.layout.paramsPerRun;
    const bytes = this.runs.length * per * 4;
    const [parameters, vaeRuns] = await Promise.all([
      readParameterBuffers(this.rt.res, this.statics, bytes),
      this.rt.res.read(this.statics.vaeRuns, 0, this.runs.length * this.vaeRunStateSize, 'VAE run states (state export)'),
    ]);
    this.check();
    const layout = this.tensorLayout();
    const L = this.config.layers;
    return {
      ...stateHeader(this.config, this.data, this.updatesDone, this.evaluations, this.streams),
      runs: this.runs.map((spec, r): RunState => {
        const tensors = runTensorsFromBuffers(parameters, layout, r, per);
        const baselines = Array.from(this.view('VaeRunState', vaeRuns, r).baselines.subarray(0, L + 1));
        baselines[0] = 0;
        return { index: spec.index, estimator: spec.estimator, seed: spec.seed, counters: counters[r], baselines, optimizerSteps: counters[r].updates, tensors };
      }),
    };
  }

  /**
   * Restores a state exported by any back end for the same model, runs and data; the saved
   * learning rate and batch size apply (a CPU engine's float64 baselines become float32 here).
   * @throws EngineStateError naming `source` and the first thing that does not fit (nothing changes then)
   */
  async importState(state: EngineState, source: string): Promise<void> {
    checkStateFits(state, this.config, datasetSizes(this.data), this.runs, source);
    const layout = this.tensorLayout();
    const per = this.layout.paramsPerRun;
    const packed = packRunTensors(state, this.runs, layout, per, source);
    const streams = savedStreamPositions(state, this.streams, this.data.train.count, source);
    await this.readCounters();
    this.setHyperparameters({ lr: state.config.lr, batch: state.config.batch });
    const [runStates, vaeRuns] = await Promise.all([
      this.rt.res.read(this.statics.runs, 0, this.runs.length * this.runStateSize, 'run states (state import)'),
      this.rt.res.read(this.statics.vaeRuns, 0, this.runs.length * this.vaeRunStateSize, 'VAE run states (state import)'),
    ]);
    packed.saved.forEach((run, r) => {
      restoreFailureFlags(this.view('RunState', runStates, r), run.counters);
      const baselines = this.view('VaeRunState', vaeRuns, r).baselines;
      baselines.fill(0);
      run.baselines.slice(0, this.config.layers + 1).forEach((b, l) => (baselines[l] = b));
      this.counters.restore(r, run.counters);
    });
    const res = this.rt.res;
    res.write(this.statics.runs, new Uint8Array(runStates));
    res.write(this.statics.vaeRuns, new Uint8Array(vaeRuns));
    writeTrainingState(res, this.statics, packed, this.streams, streams, this.data.train.count);
    this.updatesDone = state.updatesDone;
    this.evaluations = state.evaluations;
    await this.rt.idle();
    this.check();
  }

  /**
   * Test access: a copy of a buffer ('params', 'grads', 'samples', 'logits', 'terms', …) and the
   * layout that says where each layer lies in it.
   */
  async debugRead(name: keyof StaticBuffers | keyof ActivationBuffers): Promise<{ data: ArrayBuffer; layout: VaeLayout }> {
    this.check();
    const buffer = name in this.statics ? this.statics[name as keyof StaticBuffers] : this.activations[name as keyof ActivationBuffers];
    return { data: await this.rt.res.read(buffer, 0, buffer.size, `debug ${name}`), layout: this.layout };
  }

  /** Bytes of the GPU buffers the runtime owns now (GpuResources.bytes; the soak watches it). */
  get gpuBufferBytes(): number {
    return this.rt.res.bytes;
  }

  /** Releases the runtime: every buffer, and the device when the runtime created it. */
  dispose(): void {
    this.rt.dispose();
  }
}

/** The discrete VAE as a GPU program (registered in ../programs.ts). */
export const vaeProgram: GpuProgram<GpuVaeEngine> = {
  task: 'vae',
  create(runtime, input, options) {
    if (input.config.task !== 'vae') throw new EngineError(`WebGPU VAE program: task ${input.config.task} is not the VAE`, 'config');
    return new GpuVaeEngine(runtime, input.config, input.data, options);
  },
};
