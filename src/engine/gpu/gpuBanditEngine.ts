// The WebGPU engine of the contextual bandit (DESIGN.md §2): every run advances in the same
// dispatches (the run is the z dimension of every grid); one update is ~7 + 5·layers
// dispatches in one compute pass, with no readback. Runs of one seed share minibatches.
import { makeStructuredView, type StructuredView } from './webgpuUtils.ts';
import type { Dataset } from '../../data/dataset.ts';
import { MinibatchStream } from '../../data/minibatch.ts';
import { banditShape, initBanditParameters, BanditParameters } from '../../models/bandit/parameters.ts';
import { Stream } from '../../rng/streams.ts';
import { validateBanditConfig, validateHyperparameterChange } from '../validate.ts';
import { banditEstimator } from '../estimators.ts';
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
import { unitMajor } from '../weights.ts';
import {
  banditDims,
  createActivationBuffers,
  createBindGroups,
  createStaticBuffers,
  releaseActivationBuffers,
  type ActivationBuffers,
  type BanditBindGroups,
  type BanditDims,
  type StaticBuffers,
} from './banditBuffers.ts';
import { requireLimit } from './gpuDevice.ts';
import { GpuResources } from './gpuResources.ts';
import { createKernels, type KernelSet } from './kernels.ts';
import { MetricsReader, type MetricsWindow } from './metricsReader.ts';
import { normalizeSources } from './shaderModules.ts';
import { SLOT_BYTES, STEP_SLOTS, trainingStepValues, UpdateEncoder, type StepValues } from './updateEncoding.ts';
import { traceFromParameters } from './inspect.ts';

/** elements of the reduced dimension staged per workgroup barrier in the tiled kernels */
const TILE_DEPTH = 64;
/** examples per evaluation chunk (the activation capacity is at least this) */
const EVAL_CHUNK = 256;
/** flush the metric window every this many updates (f32 sums stay exact enough) */
const FLUSH_EVERY = 50;

export interface GpuEngineOptions {
  /** flush the metric window every this many updates (default 50) */
  flushEvery?: number;
  /** validation error scopes around every submission (default true) */
  errorScopes?: boolean;
  /**
   * Tile edge of the tiled kernels. Default: 16 (256 invocations) on GPUs, 8 where the device
   * allows fewer than 256 invocations, and 4 on CPU adapters, where workgroup barriers are
   * expensive (SwiftShader: tile 16 measured 3-10× slower than tile 4 on these kernels).
   */
  tile?: number;
  /** the adapter is a CPU implementation (chooses the default tile) */
  cpuAdapter?: boolean;
}

export class GpuBanditEngine implements TrainingEngine {
  readonly info: EngineInfo;
  readonly config: BanditConfig;
  readonly runs: RunSpec[];
  updatesDone = 0;
  private evaluations = 0;
  private readonly res: GpuResources;
  private readonly kernels: KernelSet;
  private readonly encoder: UpdateEncoder;
  private readonly dims: BanditDims;
  private readonly tile: number;
  private readonly streams: MinibatchStream[];
  private readonly groupOfRun: number[];
  private readonly statics: StaticBuffers;
  private activations: ActivationBuffers;
  private groups: BanditBindGroups;
  private readonly layerUniforms: GPUBuffer[];
  private readonly stepUniform: GPUBuffer;
  private readonly stepView: StructuredView;
  private readonly slotData: ArrayBuffer;
  private readonly layerView: StructuredView;
  private readonly runStateSize: number;
  private readonly metrics: MetricsReader;
  private readonly totals: RunCounters[];
  private readonly flushEvery: number;
  private readonly errorScopes: boolean;
  private sinceFlush = 0;
  private broken: EngineError | null = null;
  private disposed = false;
  /** GPU errors outside the error scopes break the engine (reported at the next call) */
  private readonly onUncapturedError = (event: Event): void => {
    if (this.disposed) return;
    this.broken ??= new EngineError(`WebGPU error: ${(event as GPUUncapturedErrorEvent).error.message}`, 'internal');
  };
  /** the error scopes around the setup (see ready()) */
  private readonly setupErrors: Promise<(GPUError | null)[]>;

  constructor(
    readonly device: GPUDevice,
    description: string,
    config: BanditConfig,
    private readonly data: Dataset,
    shaders: Record<string, string>,
    private readonly ownsDevice: boolean,
    options: GpuEngineOptions = {},
  ) {
    validateBanditConfig(config, data);
    this.config = { ...config, estimators: [...config.estimators], seeds: [...config.seeds] };
    this.info = { backend: 'webgpu', description };
    this.runs = expandRuns(config);
    this.flushEvery = options.flushEvery ?? FLUSH_EVERY;
    this.errorScopes = options.errorScopes ?? true;
    device.lost.then((info) => {
      if (!this.disposed) this.broken = new EngineError(`WebGPU device lost (${info.reason}): ${info.message || 'no message'}; recreate the engine or use the CPU engine`, 'device-lost');
    });
    device.addEventListener('uncapturederror', this.onUncapturedError);

    const seeds = [...new Set(this.runs.map((r) => r.seed))];
    this.groupOfRun = this.runs.map((r) => seeds.indexOf(r.seed));
    this.streams = seeds.map((s) => new MinibatchStream(s, data.train.count));
    const shape = banditShape(data.pixels, config.hidden, config.width, data.classes, config.hiddenValues);
    this.dims = banditDims(this.runs.length, seeds.length, shape.sizes, Math.max(config.batch, EVAL_CHUNK));
    this.tile = options.tile ?? (options.cpuAdapter ? 4 : device.limits.maxComputeInvocationsPerWorkgroup >= 256 ? 16 : 8);
    requireLimit(device, 'maxComputeInvocationsPerWorkgroup', this.tile * this.tile, `tiles of ${this.tile} × ${this.tile}`);
    // the credit kernel stages three TILE × DEPTH float arrays, the others two
    requireLimit(device, 'maxComputeWorkgroupStorageSize', 3 * this.tile * TILE_DEPTH * 4, `tiles of ${this.tile} × ${TILE_DEPTH}`);
    requireLimit(device, 'maxStorageBuffersPerShaderStage', 7, 'the bandit kernels');
    requireLimit(device, 'maxComputeWorkgroupsPerDimension', this.runs.length, `${this.runs.length} runs`);
    if (data.classes > 64) throw new EngineError(`WebGPU engine: at most 64 actions, the dataset has ${data.classes} classes`, 'config');
    this.checkBufferSizes(data);

    this.res = new GpuResources(device);
    // shader compilation, pipelines, buffers and bind groups: errors are collected here and
    // reported by ready() (the factory awaits it), not left to surface at the first update
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');
    try {
      this.kernels = createKernels(device, normalizeSources(shaders), this.tile, TILE_DEPTH);
      this.encoder = new UpdateEncoder(device, this.kernels, this.dims, this.tile, this.runs.some((r) => banditEstimator(r.estimator).signal === 'hnca'));
      const stepKernel = this.kernels.adam_ascent;
      this.stepView = makeStructuredView(stepKernel.defs.uniforms.step);
      if (this.stepView.arrayBuffer.byteLength > SLOT_BYTES) throw new EngineError('WebGPU engine: StepParams exceeds a 256-byte slot', 'internal');
      if (device.limits.minUniformBufferOffsetAlignment > SLOT_BYTES) {
        throw new EngineError(`WebGPU engine: minUniformBufferOffsetAlignment ${device.limits.minUniformBufferOffsetAlignment} exceeds the ${SLOT_BYTES}-byte step slots`, 'limits');
      }
      this.slotData = new ArrayBuffer(STEP_SLOTS * SLOT_BYTES);
      this.stepUniform = this.res.buffer('step uniform slots', STEP_SLOTS * SLOT_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      this.layerView = makeStructuredView(stepKernel.defs.uniforms.layer);
      this.layerUniforms = shape.sizes.slice(0, -1).map((_, k) => this.res.buffer(`layer ${k} uniform`, this.layerView.arrayBuffer.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST));
      this.writeLayerUniforms();

      const runStateDef = stepKernel.defs.structs.RunState;
      this.runStateSize = runStateDef.size;
      const runStates = new ArrayBuffer(this.runStateSize * this.runs.length);
      this.runs.forEach((run, r) => {
        const estimator = banditEstimator(run.estimator);
        makeStructuredView(runStateDef, runStates, r * this.runStateSize).set({
          seed: run.seed,
          group: this.groupOfRun[r],
          hnca: estimator.signal === 'hnca' ? 1 : 0,
          useBaseline: estimator.baseline ? 1 : 0,
          finite: 1,
          failedUpdate: 0,
          baseline: 0,
        });
      });
      const params = new Float32Array(this.runs.length * this.dims.paramsPerRun);
      this.runs.forEach((run, r) => this.packParameters(initBanditParameters(shape, run.seed), params, r));
      this.statics = createStaticBuffers(this.res, this.dims, data, runStates, Uint32Array.from(seeds), params);
      this.streams.forEach((s, g) => this.res.write(this.statics.permutation, s.permutation, g * data.train.count * 4));
      this.activations = createActivationBuffers(this.res, this.dims);
      this.groups = this.makeBindGroups();
      const layers = shape.sizes.length - 1;
      this.totals = this.runs.map(() => ({ updates: 0, examples: 0, scoreSum: 0, gradVarianceSum: 0, layerGradVarianceSum: new Array<number>(layers).fill(0), finite: true }));
      this.metrics = new MetricsReader(
        (label, bytes) => this.res.buffer(label, bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
        this.runs.length * this.dims.metricStride * 4,
        this.runs.length * this.runStateSize,
        (w) => this.accumulate(w),
      );
      this.setupErrors = Promise.all([device.popErrorScope(), device.popErrorScope()]);
    } catch (error) {
      void device.popErrorScope();
      void device.popErrorScope();
      device.removeEventListener('uncapturederror', this.onUncapturedError);
      this.res.dispose();
      throw error;
    }
  }

  /** The largest buffers against the device limits, before anything is allocated. */
  private checkBufferSizes(data: Dataset): void {
    const { runs, groups, sizes, capacity, paramsPerRun } = this.dims;
    const widest = Math.max(...sizes.slice(1));
    const largest: [string, number][] = [
      [`parameters of ${runs} runs`, runs * paramsPerRun * 4],
      ['minibatch pixels', groups * capacity * sizes[0] * 4],
      [`the widest layer's activations of ${runs} runs`, runs * capacity * widest * 4],
      ['the training images', data.train.images.byteLength],
      ['the epoch permutations', groups * data.train.count * 4],
      ['the evaluation actions', runs * data.test.count * 4],
    ];
    for (const [what, bytes] of largest) {
      requireLimit(this.device, 'maxBufferSize', bytes, what);
      requireLimit(this.device, 'maxStorageBufferBindingSize', bytes, what);
    }
  }

  /** Resolves once the setup is validated; throws EngineError with the first GPU error otherwise. */
  async ready(): Promise<void> {
    const errors = await this.setupErrors;
    const error = errors.find((e) => e !== null);
    if (error) {
      const kind = error instanceof GPUOutOfMemoryError ? 'limits' : 'internal';
      throw new EngineError(`WebGPU engine setup failed: ${error.message}`, kind);
    }
    this.check();
  }

  get updatesPerEpoch(): number {
    return Math.floor(this.data.train.count / this.config.batch);
  }

  /** Copies one run's parameters (CPU layout: separate W and b tensors) into the flat layout. */
  private packParameters(p: BanditParameters, out: Float32Array, r: number): void {
    const base = r * this.dims.paramsPerRun;
    for (let k = 0; k < p.layerCount; k++) {
      const at = base + this.dims.offsets[k];
      out.set(p.weights[k].value, at);
      out.set(p.biases[k].value, at + p.weights[k].size);
    }
  }

  private writeLayerUniforms(): void {
    const { sizes, capacity, paramsPerRun, offsets, metricStride } = this.dims;
    const centered = this.config.hiddenValues === 'pm1';
    for (let k = 0; k + 1 < sizes.length; k++) {
      this.layerView.set({
        layer: k,
        inWidth: sizes[k],
        outWidth: sizes[k + 1],
        paramOffset: offsets[k],
        paramsPerRun,
        capacity,
        inputIsPixels: k === 0 ? 1 : 0,
        centered: centered ? 1 : 0,
        flipMagnitude: centered ? 2 : 1,
        runs: this.runs.length,
        layers: sizes.length - 1,
        metricStride,
      });
      this.device.queue.writeBuffer(this.layerUniforms[k], 0, this.layerView.arrayBuffer);
    }
  }

  private makeBindGroups(): BanditBindGroups {
    return (this.encoder.bindGroups = createBindGroups(this.device, this.kernels, this.dims, this.statics, this.activations, this.layerUniforms, {
      buffer: this.stepUniform,
      size: this.stepView.arrayBuffer.byteLength,
    }));
  }

  private check(): void {
    if (this.disposed) throw new EngineError('WebGPU engine: used after dispose()', 'internal');
    const failure = this.broken ?? (this.metrics.error ? new EngineError(`WebGPU metric readback failed: ${String(this.metrics.error)}`, 'internal') : null);
    if (failure) throw failure;
  }

  private writeSlots(values: StepValues[]): void {
    values.forEach((v, i) => {
      this.stepView.set(v);
      new Uint8Array(this.slotData, i * SLOT_BYTES, this.stepView.arrayBuffer.byteLength).set(new Uint8Array(this.stepView.arrayBuffer));
    });
    this.device.queue.writeBuffer(this.stepUniform, 0, this.slotData, 0, values.length * SLOT_BYTES);
  }

  /** Submits with error scopes; a validation or memory error breaks the engine (reported at the next call). */
  private submit(encoder: GPUCommandEncoder): void {
    if (this.errorScopes) {
      this.device.pushErrorScope('validation');
      this.device.pushErrorScope('out-of-memory');
    }
    this.device.queue.submit([encoder.finish()]);
    if (this.errorScopes) {
      for (const kind of ['out-of-memory', 'validation']) {
        this.device.popErrorScope().then((error) => {
          if (error) this.broken ??= new EngineError(`WebGPU ${kind} error: ${error.message}`, kind === 'validation' ? 'internal' : 'limits');
        }, () => undefined);
      }
    }
  }

  /**
   * Encodes and submits n updates (in submissions of up to STEP_SLOTS, split at epoch
   * boundaries) and resolves when the GPU has done them, so callers' timings are honest.
   * Nothing is read back here: metrics are copied every `flushEvery` updates and mapped
   * asynchronously (MetricsReader).
   */
  async step(n: number): Promise<void> {
    this.check();
    let left = n;
    while (left > 0) {
      const values: StepValues[] = [];
      const batch = this.config.batch;
      while (values.length < STEP_SLOTS && left > 0) {
        const lead = this.streams[0];
        const newEpoch = lead.cursor + batch > lead.count;
        if (newEpoch && values.length > 0) break; // upload the next permutation between submissions
        let epoch = 0;
        let cursor = 0;
        for (const [g, stream] of this.streams.entries()) {
          const next = stream.next(batch);
          epoch = next.epoch;
          cursor = stream.cursor - batch;
          if (newEpoch) this.res.write(this.statics.permutation, stream.permutation, g * this.data.train.count * 4);
        }
        values.push(trainingStepValues(this.config, this.updatesDone + values.length, cursor, epoch, this.data.train.count));
        left -= 1;
      }
      this.writeSlots(values);
      const encoder = this.device.createCommandEncoder({ label: `updates ${this.updatesDone}..${this.updatesDone + values.length - 1}` });
      const pass = encoder.beginComputePass({ label: 'bandit updates' });
      values.forEach((_, slot) => {
        this.encoder.forward(pass, slot, batch, this.groups.binarizeTrain);
        this.encoder.backward(pass, slot, batch);
      });
      pass.end();
      this.updatesDone += values.length;
      this.sinceFlush += values.length;
      const flushed = this.sinceFlush >= this.flushEvery && this.metrics.encodeFlush(encoder, this.statics.metrics, this.statics.runs);
      if (flushed) this.sinceFlush = 0;
      this.submit(encoder);
      if (flushed) this.metrics.pump();
    }
    await this.device.queue.onSubmittedWorkDone();
    this.check();
  }

  private accumulate(w: MetricsWindow): void {
    const stride = this.dims.metricStride;
    const layers = this.dims.sizes.length - 1;
    this.totals.forEach((c, r) => {
      const m = w.metrics.subarray(r * stride, (r + 1) * stride);
      c.updates += m[0];
      c.examples += m[1];
      c.scoreSum += m[2];
      c.gradVarianceSum += m[3];
      for (let k = 0; k < layers; k++) c.layerGradVarianceSum[k] += m[4 + k];
      const state = makeStructuredView(this.kernels.adam_ascent.defs.structs.RunState, w.runStates, r * this.runStateSize).views as Record<string, Uint32Array>;
      if (state.finite[0] === 0 && c.finite) {
        c.finite = false;
        c.failure = `non-finite gradient at update ${state.failedUpdate[0]}`;
      }
    });
  }

  async readCounters(): Promise<RunCounters[]> {
    this.check();
    await this.metrics.drain();
    const encoder = this.device.createCommandEncoder({ label: 'metrics flush' });
    if (!this.metrics.encodeFlush(encoder, this.statics.metrics, this.statics.runs)) throw new EngineError('WebGPU engine: metric staging busy after drain', 'internal');
    this.sinceFlush = 0;
    this.submit(encoder);
    this.metrics.pump();
    await this.metrics.drain();
    this.check();
    return this.totals.map((c) => ({ ...c, layerGradVarianceSum: [...c.layerGradVarianceSum] }));
  }

  async evaluate(options?: { collectActions?: boolean }): Promise<EvaluationResult[]> {
    this.check();
    const e = this.evaluations++;
    const test = this.data.test;
    const chunk = Math.min(EVAL_CHUNK, this.dims.capacity);
    const starts: number[] = [];
    for (let s = 0; s < test.count; s += chunk) starts.push(s);
    for (let first = 0; first < starts.length; first += STEP_SLOTS) {
      const part = starts.slice(first, first + STEP_SLOTS);
      const values = part.map((start) => ({
        ...trainingStepValues(this.config, this.updatesDone, 0, 0, test.count),
        batch: Math.min(chunk, test.count - start),
        keyStep: e,
        hiddenStream: Stream.evalHiddenBase,
        actionStream: Stream.evalAction,
        exampleOffset: start,
        gather: 0,
        binarizeStep: e,
        binarizeStream: Stream.binarizeTest,
      }));
      this.writeSlots(values);
      const encoder = this.device.createCommandEncoder({ label: `evaluation ${e}` });
      values.forEach((v, slot) => {
        const pass = encoder.beginComputePass({ label: `evaluation ${e} chunk ${v.exampleOffset}` });
        this.encoder.forward(pass, slot, v.batch, this.groups.binarizeTest);
        pass.end();
        for (let r = 0; r < this.runs.length; r++) {
          encoder.copyBufferToBuffer(this.activations.actions, r * this.dims.capacity * 4, this.statics.evalActions, (r * test.count + v.exampleOffset) * 4, v.batch * 4);
        }
      });
      this.submit(encoder);
    }
    const actions = new Uint32Array(await this.res.read(this.statics.evalActions, 0, this.runs.length * test.count * 4, 'evaluation actions'));
    this.check();
    return this.runs.map((_, r) => {
      const mine = actions.subarray(r * test.count, (r + 1) * test.count);
      let correct = 0;
      for (let n = 0; n < test.count; n++) if (mine[n] === test.labels[n]) correct++;
      return { testScore: correct / test.count, actions: options?.collectActions ? Uint8Array.from(mine) : undefined };
    });
  }

  setHyperparameters(change: { lr?: number; batch?: number }): void {
    this.check();
    validateHyperparameterChange(change, this.data.train.count);
    if (change.lr !== undefined) this.config.lr = change.lr;
    if (change.batch !== undefined) {
      this.config.batch = change.batch;
      if (change.batch > this.dims.capacity) {
        releaseActivationBuffers(this.res, this.activations);
        this.dims.capacity = change.batch;
        this.writeLayerUniforms();
        this.activations = createActivationBuffers(this.res, this.dims);
        this.groups = this.makeBindGroups();
      }
    }
  }

  /** Parameters of run `run` in the CPU engine's form (a copy). */
  async readParameters(run: number): Promise<BanditParameters> {
    this.check();
    const r = this.runIndex(run);
    const flat = new Float32Array(await this.res.read(this.statics.params, r * this.dims.paramsPerRun * 4, this.dims.paramsPerRun * 4, `parameters of run ${run}`));
    const shape = banditShape(this.data.pixels, this.config.hidden, this.config.width, this.data.classes, this.config.hiddenValues);
    const p = new BanditParameters(shape);
    for (let k = 0; k < p.layerCount; k++) {
      const at = this.dims.offsets[k];
      p.weights[k].value.set(flat.subarray(at, at + p.weights[k].size));
      p.biases[k].value.set(flat.subarray(at + p.weights[k].size, at + p.weights[k].size + p.biases[k].size));
    }
    return p;
  }

  async inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace> {
    const params = await this.readParameters(run);
    return traceFromParameters(params, banditEstimator(this.runs[this.runIndex(run)].estimator).id, pixels, seed);
  }

  async readWeights(run: number, layer: number): Promise<{ rows: number; cols: number; data: Float32Array }> {
    const { sizes } = this.dims;
    if (!Number.isInteger(layer) || layer < 0 || layer >= sizes.length - 1) throw new EngineError(`layer must be in 0..${sizes.length - 2}, got ${layer}`, 'config');
    const params = await this.readParameters(run);
    return unitMajor(params.weights[layer].value, sizes[layer], sizes[layer + 1]);
  }

  private runIndex(run: number): number {
    const r = this.runs.findIndex((s) => s.index === run);
    if (r < 0) throw new EngineError(`no run ${run} in this engine`, 'config');
    return r;
  }

  /** Test access: a copy of any engine buffer (activations of the last forward pass, grads, …). */
  async debugRead(name: keyof StaticBuffers | keyof ActivationBuffers, layer = 0): Promise<ArrayBuffer> {
    this.check();
    const source = (name in this.statics ? this.statics[name as keyof StaticBuffers] : this.activations[name as keyof ActivationBuffers]) as GPUBuffer | GPUBuffer[];
    const buffer = Array.isArray(source) ? source[layer] : source;
    return this.res.read(buffer, 0, buffer.size, `debug ${name}`);
  }

  get capacity(): number {
    return this.dims.capacity;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.device.removeEventListener('uncapturederror', this.onUncapturedError);
    this.res.dispose();
    if (this.ownsDevice) this.device.destroy();
  }
}
