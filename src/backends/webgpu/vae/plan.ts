// The dispatches of one update of the VAE program (docs/math.md §3), in order: the binarized
// minibatch; the main pass (each encoder layer's logits, samples — LOO's second and DisARM's
// antithetic ones beside — and entropy; every decoder term's logits and log-likelihood with its
// logit gradient); the partial passes of LOO and DisARM from each layer f; each estimator's
// encoder signal per layer; the weight gradients (batch means); the encoder-gradient variance
// (§4); baselines and counters; Adam. Every grid is checked against the device as it is planned.
import { vaeSampleStream } from '../../../models/vae/draws.ts';
import type { Dispatch } from '../program.ts';
import { LINEAR_WORKGROUP_SIZE } from '../kernels/constants.ts';
import { foldedGrid, type Grid } from '../runtime/limits.ts';
import type { BindingResource } from '../runtime/pipelines.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';
import type { StructuredView } from '../runtime/webgpuUtils.ts';
import type { VaeKernelName, VaeKernelSet } from './kernels.ts';
import { region, type Region, type VaeLayout } from './layout.ts';

/** The VAE program's buffers that live as long as the engine. */
export interface VaeStaticBuffers {
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

/** The VAE program's buffers sized by the batch capacity. */
export interface VaeActivationBuffers {
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

/** The buffers an update reads and writes. */
export type VaeUpdateBuffers = VaeStaticBuffers & VaeActivationBuffers;

/** What the planner needs of the program. */
export interface VaePlanInputs {
  rt: GpuRuntime;
  kernels: VaeKernelSet;
  layout: VaeLayout;
  buffers: VaeUpdateBuffers;
  /** the StepParams slots' binding (a dynamic offset per update) */
  step: BindingResource;
  /** LayerParams and VaeLayer views (reflected from the kernels) */
  layerView: StructuredView;
  vaeLayerView: StructuredView;
  tile: number;
  /** seed groups (minibatch streams) */
  groups: number;
  /** the learning signals of the runs ('fhnca', 'score-function', 'leave-one-out', 'disarm') */
  signals: ReadonlySet<string>;
}

/** One update's dispatches for a batch size, and the uniform buffers they read (released with them). */
export class VaeUpdatePlan {
  readonly dispatches: Dispatch[] = [];
  /** owned by the runtime's resources; the program releases them when the plan is replaced */
  readonly uniforms: GPUBuffer[] = [];
  private readonly pairs: boolean;

  /** @throws EngineError('limits') naming the kernel, the grid dimension and the value */
  constructor(
    private readonly x: VaePlanInputs,
    private readonly batch: number,
  ) {
    this.pairs = x.signals.has('leave-one-out') || x.signals.has('disarm');
    try {
      this.planAll();
    } catch (error) {
      // a grid over the device's limits: nothing of this plan stays allocated
      for (const b of this.uniforms) x.rt.res.release(b);
      throw error;
    }
  }

  /** Every dispatch, in the order the update runs them. */
  private planAll(): void {
    const x = this.x;
    const L = x.layout.layers;
    this.binarize();
    for (let l = 1; l <= L; l++) this.encoderLayer(l);
    for (let m = 0; m <= L; m++) this.decoderTerm(0, m, this.valuesBelow(0, m), true);
    if (this.pairs) for (let f = 1; f <= L; f++) this.partialPass(f);
    for (let l = 1; l <= L; l++) this.encoderSignals(l);
    this.weightGradients();
    for (let l = 1; l <= L; l++) this.variance(l);
    const { buffers: s, layout } = x;
    this.add('vae_baselines_and_counters', 'counters', { vl: this.vaeLayer({}, 'counters'), runs: s.runs, vaeRuns: s.vaeRuns, terms: s.terms, targets: s.targets, variance: s.variance, metrics: s.metrics }, [layout.runs, 1, 1]);
    this.add(
      'adam_ascent',
      'adam',
      { layer: this.layerParams({ inWidth: 0, outWidth: 0, paramOffset: 0, inputIsPixels: false }, 'adam'), runs: s.runs, grads: s.grads, params: s.params, moment1: s.moment1, moment2: s.moment2 },
      foldedGrid(x.rt.device, Math.ceil((layout.runs * layout.paramsPerRun) / LINEAR_WORKGROUP_SIZE), 1),
    );
  }

  private add(kernel: VaeKernelName, label: string, resources: Record<string, BindingResource>, grid: Grid): void {
    const { rt, kernels, step } = this.x;
    rt.checkGrid(grid, `kernel ${kernel} (${label}, a batch of ${this.batch})`);
    this.dispatches.push({ kernel: kernels[kernel], group: rt.bind(kernels[kernel], label, { step, ...resources }), grid });
  }

  /** A uniform buffer holding `values` of the view (LayerParams or VaeLayer). */
  private uniform(view: StructuredView, values: Record<string, number>, label: string): GPUBuffer {
    view.set(Object.fromEntries(Object.keys(view.views).map((k) => [k, 0])));
    view.set(values);
    const buffer = this.x.rt.res.buffer(label, view.arrayBuffer.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.x.rt.device.queue.writeBuffer(buffer, 0, view.arrayBuffer);
    this.uniforms.push(buffer);
    return buffer;
  }

  /** LayerParams of the units' kernels for one weight matrix (inputs → outputs) at a parameter offset; `layer` the sampling stream where one samples. */
  private layerParams(values: { layer?: number; inWidth: number; outWidth: number; paramOffset: number; inputIsPixels: boolean }, label: string): GPUBuffer {
    const { paramsPerRun, capacity, runs, layers } = this.x.layout;
    const fields = { ...values, layer: values.layer ?? 0, inputIsPixels: values.inputIsPixels ? 1 : 0, paramsPerRun, capacity, centered: 0, flipMagnitude: 1, runs, layers, metricStride: 4 + layers };
    return this.uniform(this.x.layerView, fields, `layer uniform: ${label}`);
  }

  /** VaeLayer (shaders/vae_common.wgsl) of one VAE dispatch. */
  private vaeLayer(values: Record<string, number>, label: string): GPUBuffer {
    const { paramsPerRun, capacity, runs, layers, termStride, sizes } = this.x.layout;
    return this.uniform(this.x.vaeLayerView, { layers, runs, capacity, paramsPerRun, termStride, pixels: sizes[0], width: sizes[1], metricStride: 4 + layers, ...values }, `VAE uniform: ${label}`);
  }

  private part(buffer: GPUBuffer, r: Region): BindingResource {
    return { buffer, offset: r.offset, size: r.size };
  }

  /** One invocation per (example, unit), over workgroups of LINEAR_WORKGROUP_SIZE folded past the device limit, per run. */
  private flat(invocations: number): Grid {
    return foldedGrid(this.x.rt.device, Math.ceil(invocations / LINEAR_WORKGROUP_SIZE), this.x.layout.runs);
  }

  private get perExample(): Grid {
    return [Math.max(1, Math.ceil(this.batch / LINEAR_WORKGROUP_SIZE)), 1, this.x.layout.runs];
  }

  /** Encoder logits u_l of a pass. */
  private logitsOf(pass: number, l: number): BindingResource {
    return this.part(this.x.buffers.logits, region(this.x.layout.encoderLogits[pass][l], `u${l} of pass ${pass}`));
  }

  /** Decoder logits v_m of a pass. */
  private decoderOf(pass: number, m: number): BindingResource {
    return this.part(this.x.buffers.logits, region(this.x.layout.decoderLogits[pass][m], `v${m} of pass ${pass}`));
  }

  /** Samples φ_l of a pass. */
  private samplesOf(pass: number, l: number): BindingResource {
    return this.part(this.x.buffers.samples, region(this.x.layout.samples[pass][l], `φ${l} of pass ${pass}`));
  }

  /** φ_l of a pass, or the pixels at l = 0. */
  private valuesBelow(pass: number, l: number): BindingResource {
    return l === 0 ? this.x.buffers.pixels : this.samplesOf(pass, l);
  }

  /** The logit gradient region of encoder layer l. */
  private encoderGradient(l: number): BindingResource {
    return this.part(this.x.buffers.signals, region(this.x.layout.encoderGradient[l], `gradient ${l}`));
  }

  private affine(label: string, inWidth: number, outWidth: number, paramOffset: number, inputs: BindingResource, logits: BindingResource, inputIsPixels: boolean): void {
    const { tile: T, buffers: s, layout } = this.x;
    const layer = this.layerParams({ inWidth, outWidth, paramOffset, inputIsPixels }, label);
    this.add('affine_logits', label, { layer, runs: s.runs, params: s.params, inputs, logits }, [Math.ceil(outWidth / T), Math.ceil(this.batch / T), layout.runs]);
  }

  private sample(label: string, stream: number, logits: BindingResource, samples: BindingResource, width: number): void {
    const layer = this.layerParams({ layer: stream, inWidth: 0, outWidth: width, paramOffset: 0, inputIsPixels: false }, label);
    this.add('bernoulli_sample', label, { layer, runs: this.x.buffers.runs, logits, probs: this.x.buffers.scratch, samples }, this.flat(this.batch * width));
  }

  private entropy(pass: number, l: number): void {
    const label = `entropy ${l} pass ${pass}`;
    this.add('bernoulli_entropy_sum', label, { vl: this.vaeLayer({ l, width: this.x.layout.sizes[l], termSlot: l, passIndex: pass }, label), logits: this.logitsOf(pass, l), terms: this.x.buffers.terms }, this.perExample);
  }

  private binarize(): void {
    const { buffers: s, layout } = this.x;
    const pixels = layout.sizes[0];
    this.add(
      'binarize_minibatch',
      'binarize',
      {
        layer: this.layerParams({ inWidth: pixels, outWidth: 0, paramOffset: 0, inputIsPixels: true }, 'binarize'),
        images: s.trainImages,
        labels: s.trainLabels,
        permutation: s.permutation,
        groupSeeds: s.groupSeeds,
        pixelsOut: s.pixels,
        batchLabels: s.batchLabels,
      },
      [Math.ceil(pixels / LINEAR_WORKGROUP_SIZE), this.batch, this.x.groups],
    );
  }

  /** Encoder layer l of the main pass: logits, samples (LOO's second, DisARM's antithetic beside), entropy. */
  private encoderLayer(l: number): void {
    const { layout: lay, buffers: s, signals } = this.x;
    const sizes = lay.sizes;
    this.affine(`encoder ${l}`, sizes[l - 1], sizes[l], lay.encoderParams[l], this.valuesBelow(0, l - 1), this.logitsOf(0, l), l === 1);
    this.sample(`sample ${l}`, vaeSampleStream(0, l), this.logitsOf(0, l), this.samplesOf(0, l), sizes[l]);
    if (signals.has('leave-one-out')) this.sample(`second sample ${l}`, vaeSampleStream(l, l), this.logitsOf(0, l), this.samplesOf(l, l), sizes[l]);
    if (signals.has('disarm')) {
      const layer = this.layerParams({ layer: vaeSampleStream(0, l), inWidth: 0, outWidth: sizes[l], paramOffset: 0, inputIsPixels: false }, `antithetic ${l}`);
      const resources = { layer, runs: s.runs, vaeRuns: s.vaeRuns, logits: this.logitsOf(0, l), samples: this.samplesOf(0, l), antithetic: this.samplesOf(l, l) };
      this.add('bernoulli_antithetic_sample', `antithetic ${l}`, resources, this.flat(this.batch * sizes[l]));
    }
    this.entropy(0, l);
  }

  /** Decoder term m of `pass`: logits from the pass's φ_{m+1} (the prior's bias at m = L), the log-likelihood of `targets`, and its logit gradient when `gradient`. */
  private decoderTerm(pass: number, m: number, targets: BindingResource, gradient: boolean): void {
    const { layout: lay, buffers: s } = this.x;
    const { sizes, layers: L } = lay;
    const label = `decoder ${m} pass ${pass}`;
    if (m < L) this.affine(label, sizes[m + 1], sizes[m], lay.decoderParams[m], this.samplesOf(pass, m + 1), this.decoderOf(pass, m), false);
    else this.affine(label, 0, sizes[L], lay.priorParams, s.scratch, this.decoderOf(pass, m), false);
    const vl = this.vaeLayer({ l: m, width: sizes[m], termSlot: L + 1 + m, passIndex: pass, gradient: gradient ? 1 : 0, targetIsPixels: m === 0 ? 1 : 0 }, label);
    const resources = { vl, vaeRuns: s.vaeRuns, logits: this.decoderOf(pass, m), targets, terms: s.terms, gradient: gradient ? this.part(s.signals, lay.decoderGradient[m]) : s.scratch };
    this.add('bernoulli_log_likelihood', `log-likelihood ${m} pass ${pass}`, resources, this.perExample);
  }

  /** The partial pass of LOO and DisARM from layer f: the term below f on its sample, then the layers and terms above. */
  private partialPass(f: number): void {
    const { layout: lay, buffers: s } = this.x;
    const { sizes, layers: L } = lay;
    const label = `decoder ${f - 1} pass ${f}`;
    this.affine(label, sizes[f], sizes[f - 1], lay.decoderParams[f - 1], this.samplesOf(f, f), this.decoderOf(f, f - 1), false);
    const vl = this.vaeLayer({ l: f - 1, width: sizes[f - 1], termSlot: L + f, passIndex: f, gradient: 0, targetIsPixels: f === 1 ? 1 : 0 }, label);
    this.add('bernoulli_log_likelihood', `log-likelihood ${f - 1} pass ${f}`, { vl, vaeRuns: s.vaeRuns, logits: this.decoderOf(f, f - 1), targets: this.valuesBelow(0, f - 1), terms: s.terms, gradient: s.scratch }, this.perExample);
    for (let l = f + 1; l <= L; l++) {
      this.affine(`encoder ${l} pass ${f}`, sizes[l - 1], sizes[l], lay.encoderParams[l], this.samplesOf(f, l - 1), this.logitsOf(f, l), false);
      this.sample(`sample ${l} pass ${f}`, vaeSampleStream(f, l), this.logitsOf(f, l), this.samplesOf(f, l), sizes[l]);
      this.entropy(f, l);
    }
    for (let m = f; m <= L; m++) this.decoderTerm(f, m, this.samplesOf(f, m), false);
  }

  /** Where f-HNCA reads layer l's neighbourhood in the main pass (element offsets in the logits and samples buffers). */
  private mainRegions(l: number): Record<string, number> {
    const lay = this.x.layout;
    const L = lay.layers;
    return {
      uAt: region(lay.encoderLogits[0][l], 'u').at,
      phiAt: region(lay.samples[0][l], 'φ').at,
      vAt: region(lay.decoderLogits[0][l], 'v').at,
      belowVAt: region(lay.decoderLogits[0][l - 1], 'v below').at,
      belowPhiAt: l > 1 ? region(lay.samples[0][l - 1], 'φ below').at : 0,
      aboveUAt: l < L ? region(lay.encoderLogits[0][l + 1], 'u above').at : 0,
      abovePhiAt: l < L ? region(lay.samples[0][l + 1], 'φ above').at : 0,
    };
  }

  /** Each estimator's logit gradient of encoder layer l (f-HNCA's, the score function's, the pair estimators'). */
  private encoderSignals(l: number): void {
    const { layout: lay, buffers: s, signals } = this.x;
    const { sizes, layers: L } = lay;
    const gradient = this.encoderGradient(l);
    const grid = this.flat(this.batch * sizes[l]);
    if (signals.has('fhnca')) {
      const neighbourhood = {
        l,
        width: sizes[l],
        below: sizes[l - 1],
        above: l < L ? sizes[l + 1] : 0,
        decoderOffset: lay.decoderParams[l - 1],
        encoderOffset: l < L ? lay.encoderParams[l + 1] : 0,
        targetIsPixels: l === 1 ? 1 : 0,
        ...this.mainRegions(l),
      };
      const resources = { vl: this.vaeLayer(neighbourhood, `f-HNCA ${l}`), vaeRuns: s.vaeRuns, params: s.params, logits: s.logits, samples: s.samples, pixels: s.pixels, terms: s.terms, signals: gradient, targets: s.targets };
      this.add('vae_fhnca_signal', `f-HNCA ${l}`, resources, grid);
    }
    const common = { vaeRuns: s.vaeRuns, logits: this.logitsOf(0, l), samples: this.samplesOf(0, l), terms: s.terms, signals: gradient, targets: s.targets };
    if (signals.has('score-function')) this.add('vae_score_function_signal', `score function ${l}`, { vl: this.vaeLayer({ l, width: sizes[l] }, `score function ${l}`), ...common }, grid);
    if (this.pairs) this.add('vae_pair_signal', `pair ${l}`, { vl: this.vaeLayer({ l, width: sizes[l] }, `pair ${l}`), ...common, pairSamples: this.samplesOf(l, l) }, grid);
  }

  private weightGradient(label: string, inWidth: number, outWidth: number, paramOffset: number, inputs: BindingResource, signals: BindingResource, inputIsPixels: boolean): void {
    const { tile: T, buffers: s, layout } = this.x;
    const layer = this.layerParams({ inWidth, outWidth, paramOffset, inputIsPixels }, label);
    this.add('weight_gradient', label, { layer, runs: s.runs, inputs, signals, grads: s.grads }, [Math.ceil(outWidth / T), Math.ceil((inWidth + 1) / T), layout.runs]);
  }

  /** Batch-mean gradients of every encoder matrix, decoder matrix and the prior's bias. */
  private weightGradients(): void {
    const { layout: lay, buffers: s } = this.x;
    const { sizes, layers: L } = lay;
    for (let l = 1; l <= L; l++) this.weightGradient(`gradient W${l}`, sizes[l - 1], sizes[l], lay.encoderParams[l], this.valuesBelow(0, l - 1), this.encoderGradient(l), l === 1);
    for (let m = 0; m < L; m++) this.weightGradient(`gradient D${m}`, sizes[m + 1], sizes[m], lay.decoderParams[m], this.samplesOf(0, m + 1), this.part(s.signals, lay.decoderGradient[m]), false);
    this.weightGradient(`gradient c${L}`, 0, sizes[L], lay.priorParams, s.scratch, this.part(s.signals, lay.decoderGradient[L]), false);
  }

  /** The per-example variance of encoder layer l's gradient (docs/math.md §4). */
  private variance(l: number): void {
    const { layout: lay, buffers: s } = this.x;
    const sizes = lay.sizes;
    const label = `variance ${l}`;
    const layer = this.layerParams({ layer: l - 1, inWidth: sizes[l - 1], outWidth: sizes[l], paramOffset: lay.encoderParams[l], inputIsPixels: l === 1 }, label);
    this.add('gradient_variance', label, { layer, runs: s.runs, inputs: this.valuesBelow(0, l - 1), signals: this.encoderGradient(l), grads: s.grads, variance: s.variance }, [1, 1, lay.runs]);
  }
}
