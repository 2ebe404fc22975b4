// The bandit program on the WebGPU runtime (docs/math.md §2): every run advances in the same
// dispatches (the run is the z dimension of every grid); one update is ~7 + 5·layers
// dispatches in one compute pass, with no readback. Runs of one seed share minibatches.
// Device, errors, buffers, pipelines and submissions belong to the runtime (../runtime/).
import type { Dataset } from '../../../data/dataset.ts';
import type { MinibatchStream } from '../../../data/minibatch.ts';
import { banditShape, categoriesOf, initBanditParameters, BanditParameters, type BanditShape } from '../../../models/bandit/parameters.ts';
import { Stream } from '../../../rng/streams.ts';
import { validateBanditConfig, validateHyperparameterChange } from '../../../engine/validate.ts';
import { banditEstimator } from '../../../engine/estimators.ts';
import {
  EngineError,
  evaluationKey,
  expandRuns,
  type BanditConfig,
  type EngineInfo,
  type EvaluateOptions,
  type EvaluationResult,
  type ExampleTrace,
  type RunCounters,
  type RunSpec,
  type TrainingEngine,
} from '../../../engine/types.ts';
import { advanceStreams, seedGroups, startsEpoch } from '../minibatchStreams.ts';
import { scoreTestActions } from '../testActions.ts';
import { RunCounterWindow } from '../runCounters.ts';
import { runIndexOf } from '../program.ts';
import { exportRewardState, importRewardState, initialRewardRunStates, type RewardEngineParts } from '../rewardState.ts';
import type { CheckpointableEngine, EngineState } from '../../../engine/state.ts';
import { unitMajor } from '../../../engine/weights.ts';
import type { GpuProgram, GpuProgramOptions } from '../program.ts';
import { requireLimit, requireStorageBuffers, type Grid } from '../runtime/limits.ts';
import { uniformView } from '../runtime/pipelines.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';
import { UniformSlots } from '../runtime/uniformSlots.ts';
import type { StructuredView } from '../runtime/webgpuUtils.ts';
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
} from './buffers.ts';
import { traceFromParameters } from './inspect.ts';
import { createKernels, type KernelName, type KernelSet } from './kernels.ts';
import { trainingStepValues } from '../stepParams.ts';
import { limitSink, passSink, STEP_SLOTS, UpdateEncoder, type DispatchSink, type StepValues } from './updateEncoding.ts';

/** The bandit's sampling streams in StepParams: hidden units' and the action's (src/rng/streams.ts). */
const BANDIT_STREAMS = { hidden: Stream.hiddenBase, action: Stream.action };

/** elements of the reduced dimension staged per workgroup barrier in the tiled kernels */
const TILE_DEPTH = 64;
/** examples per evaluation chunk (the activation capacity is at least this) */
const EVAL_CHUNK = 256;
/** flush the metric window every this many updates (f32 sums stay exact enough) */
const FLUSH_EVERY = 50;

/**
 * The bandit program reads every tuning option: `flushEvery` (default 50), `tile` and
 * `denseCategoricalGradients` (default false: categorical_input_gradient). The tile
 * edge of the tiled kernels defaults to 16 (256 invocations) on GPUs, 8 where the device allows
 * fewer than 256 invocations, and 4 on CPU adapters, where workgroup barriers are expensive
 * (SwiftShader: tile 16 measured 3-10× slower than tile 4 on these kernels).
 */
export type GpuBanditOptions = GpuProgramOptions;

/**
 * The contextual bandit's TrainingEngine on WebGPU (docs/math.md §2): runs × seeds in the same
 * dispatches; parameters per run [W_0, b_0, W_1, b_1, …] (buffers.ts).
 */
export class GpuBanditEngine implements CheckpointableEngine {
  readonly info: EngineInfo;
  readonly config: BanditConfig;
  readonly runs: RunSpec[];
  readonly device: GPUDevice;
  updatesDone = 0;
  private evaluations = 0;
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
  private readonly steps: UniformSlots<StepValues>;
  private readonly layerView: StructuredView;
  private readonly counters: RunCounterWindow;
  private readonly oneHotGradients: boolean;

  /**
   * Plans (and checks against the device limits) before allocating, then builds everything
   * between runtime.beginSetup() and runtime.endSetup(); the factory awaits runtime.ready().
   * Bernoulli or categorical hidden units (docs/math.md §2, §7.1).
   * @throws EngineError('config') for an invalid configuration, EngineError('limits') for one
   * too large for the device (a buffer, a kernel's workgroup, a dispatch grid)
   */
  constructor(
    private readonly rt: GpuRuntime,
    config: BanditConfig,
    private readonly data: Dataset,
    options: GpuBanditOptions = {},
  ) {
    validateBanditConfig(config, data);
    const device = rt.device;
    this.device = device;
    this.config = { ...config, estimators: [...config.estimators], seeds: [...config.seeds] };
    this.info = { backend: 'webgpu', description: rt.description };
    this.runs = expandRuns(config);
    this.oneHotGradients = !(options.denseCategoricalGradients ?? false);

    const { seeds, groupOfRun, streams } = seedGroups(this.runs, data.train.count);
    this.groupOfRun = groupOfRun;
    this.streams = streams;
    const shape = this.shape();
    this.dims = banditDims(this.runs.length, seeds.length, shape.sizes, Math.max(config.batch, EVAL_CHUNK), categoriesOf(shape));
    this.tile = options.tile ?? (rt.cpuAdapter ? 4 : device.limits.maxComputeInvocationsPerWorkgroup >= 256 ? 16 : 8);
    requireLimit(device, 'maxComputeWorkgroupsPerDimension', this.runs.length, `${this.runs.length} runs`);
    if (data.classes > 64) throw new EngineError(`WebGPU engine: at most 64 actions, the dataset has ${data.classes} classes`, 'config');
    this.checkBufferSizes(data);
    this.encoder = new UpdateEncoder(device, this.dims, this.tile, this.runs.some((r) => banditEstimator(r.estimator).signal === 'hnca'), this.dims.categories, this.oneHotGradients);
    this.checkGrids(this.dims.capacity);

    const res = rt.res;
    // shader compilation, pipelines, buffers and bind groups: errors are collected by the
    // runtime and reported by ready() (the factory awaits it), not at the first update
    rt.beginSetup();
    try {
      this.kernels = createKernels(rt, this.tile, TILE_DEPTH, this.dims.categories > 0);
      const stepKernel = this.kernels.adam_ascent;
      this.steps = new UniformSlots(res, 'step uniform slots', uniformView(stepKernel, 'step'), STEP_SLOTS);
      this.layerView = uniformView(stepKernel, 'layer');
      this.layerUniforms = shape.sizes.slice(0, -1).map((_, k) => res.buffer(`layer ${k} uniform`, this.layerView.arrayBuffer.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST));
      this.writeLayerUniforms();

      const runStateDef = stepKernel.defs.structs.RunState;
      const runStates = initialRewardRunStates(runStateDef, this.runs, this.groupOfRun);
      const params = new Float32Array(this.runs.length * this.dims.paramsPerRun);
      this.runs.forEach((run, r) => this.packParameters(initBanditParameters(shape, run.seed), params, r));
      this.statics = createStaticBuffers(this.rt.res, this.dims, data, runStates, Uint32Array.from(seeds), params);
      this.streams.forEach((s, g) => this.rt.res.write(this.statics.permutation, s.permutation, g * data.train.count * 4));
      this.activations = createActivationBuffers(this.rt.res, this.dims);
      this.groups = this.makeBindGroups();
      this.counters = new RunCounterWindow(rt, {
        runs: this.runs.length,
        layers: shape.sizes.length - 1,
        runState: runStateDef,
        metrics: this.statics.metrics,
        runStates: this.statics.runs,
        failure: 'non-finite gradient',
        flushEvery: options.flushEvery ?? FLUSH_EVERY,
      });
      rt.endSetup(true);
    } catch (error) {
      rt.endSetup(false);
      throw error;
    }
  }

  /**
   * Every dispatch grid of an update and an evaluation chunk of up to `batch` examples against
   * the device (grids grow with the batch, so the capacity covers every smaller batch).
   * @throws EngineError('limits') naming the kernel, the grid dimension and the value
   */
  private checkGrids(batch: number): void {
    const sink = limitSink(this.rt, `a batch of ${batch}`);
    this.encoder.forward(sink, 0, batch, undefined);
    this.encoder.backward(sink, 0, batch);
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
    requireStorageBuffers(this.device, largest);
  }

  /** The network's shape (sizes U·N per categorical layer, docs/math.md §7.1). */
  private shape(): BanditShape {
    const c = this.config;
    return banditShape(this.data.pixels, c.hidden, c.width, this.data.classes, c.hiddenValues, c.units, c.categories);
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
    const { sizes, capacity, paramsPerRun, offsets, metricStride, categories } = this.dims;
    // categorical layers (docs/math.md §7.1) pass on centered one-hot outputs e_φ − 1/N (inputValue reads categories), whatever hiddenValues says
    const centered = this.config.hiddenValues === 'pm1' && !categories;
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
        categories,
      });
      this.device.queue.writeBuffer(this.layerUniforms[k], 0, this.layerView.arrayBuffer);
    }
  }

  private makeBindGroups(): BanditBindGroups {
    const groups = createBindGroups(this.rt, this.kernels, this.dims, this.statics, this.activations, this.layerUniforms, this.steps.binding, this.oneHotGradients);
    this.encoder.bindGroups = groups;
    return groups;
  }

  /** @throws the runtime's error (runtime.ts check) or a failed metric readback as EngineError('internal') */
  private check(): void {
    this.counters.check();
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
        if (startsEpoch(this.streams, batch) && values.length > 0) break; // upload the next permutation between submissions
        const { epoch, cursor } = advanceStreams(this.rt.res, this.streams, this.statics.permutation, batch, this.data.train.count);
        values.push(trainingStepValues(this.config, this.updatesDone + values.length, cursor, epoch, this.data.train.count, BANDIT_STREAMS));
        left -= 1;
      }
      this.steps.write(values);
      const encoder = this.device.createCommandEncoder({ label: `updates ${this.updatesDone}..${this.updatesDone + values.length - 1}` });
      const pass = encoder.beginComputePass({ label: 'bandit updates' });
      const sink = passSink(pass, this.kernels, this.steps);
      values.forEach((_, slot) => {
        this.encoder.forward(sink, slot, batch, this.groups.binarizeTrain);
        this.encoder.backward(sink, slot, batch);
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
    return this.counters.read('metrics flush');
  }

  async evaluate(options?: EvaluateOptions): Promise<EvaluationResult[]> {
    this.check();
    const e = evaluationKey(options, this.evaluations++);
    const test = this.data.test;
    const chunk = Math.min(EVAL_CHUNK, this.dims.capacity);
    const starts: number[] = [];
    for (let s = 0; s < test.count; s += chunk) starts.push(s);
    for (let first = 0; first < starts.length; first += STEP_SLOTS) {
      const part = starts.slice(first, first + STEP_SLOTS);
      const values = part.map((start) => ({
        ...trainingStepValues(this.config, this.updatesDone, 0, 0, test.count, BANDIT_STREAMS),
        batch: Math.min(chunk, test.count - start),
        keyStep: e,
        hiddenStream: Stream.evalHiddenBase,
        actionStream: Stream.evalAction,
        exampleOffset: start,
        gather: 0,
        binarizeStep: e,
        binarizeStream: Stream.binarizeTest,
      }));
      this.steps.write(values);
      const encoder = this.device.createCommandEncoder({ label: `evaluation ${e}` });
      values.forEach((v, slot) => {
        const pass = encoder.beginComputePass({ label: `evaluation ${e} chunk ${v.exampleOffset}` });
        this.encoder.forward(passSink(pass, this.kernels, this.steps), slot, v.batch, this.groups.binarizeTest);
        pass.end();
        for (let r = 0; r < this.runs.length; r++) {
          encoder.copyBufferToBuffer(this.activations.actions, r * this.dims.capacity * 4, this.statics.evalActions, (r * test.count + v.exampleOffset) * 4, v.batch * 4);
        }
      });
      this.rt.submit(encoder);
    }
    const actions = new Uint32Array(await this.rt.res.read(this.statics.evalActions, 0, this.runs.length * test.count * 4, 'evaluation actions'));
    this.check();
    return scoreTestActions(actions, this.runs.length, test, options?.collectActions);
  }

  /** @throws EngineError('config') for invalid values, EngineError('limits') for a batch whose grids exceed the device */
  setHyperparameters(change: { lr?: number; batch?: number }): void {
    this.check();
    validateHyperparameterChange(change, this.data.train.count);
    // a batch past the capacity is refused before anything changes when a grid exceeds a limit
    if (change.batch !== undefined && change.batch > this.dims.capacity) this.checkGrids(change.batch);
    if (change.lr !== undefined) this.config.lr = change.lr;
    if (change.batch !== undefined) {
      this.config.batch = change.batch;
      if (change.batch > this.dims.capacity) {
        releaseActivationBuffers(this.rt.res, this.activations);
        this.dims.capacity = change.batch;
        this.writeLayerUniforms();
        this.activations = createActivationBuffers(this.rt.res, this.dims);
        this.groups = this.makeBindGroups();
      }
    }
  }

  /** Parameters of run `run` in the CPU engine's form (a copy). */
  async readParameters(run: number): Promise<BanditParameters> {
    this.check();
    const r = this.runIndex(run);
    const flat = new Float32Array(await this.rt.res.read(this.statics.params, r * this.dims.paramsPerRun * 4, this.dims.paramsPerRun * 4, `parameters of run ${run}`));
    const p = new BanditParameters(this.shape());
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

  /** Names and shapes of a run's tensors, as the CPU engine's (src/engine/state.ts). */
  private tensorLayout(): { name: string; shape: number[] }[] {
    const { sizes } = this.dims;
    return sizes.slice(1).flatMap((units, k) => [
      { name: `W${k}`, shape: [sizes[k], units] },
      { name: `b${k}`, shape: [units] },
    ]);
  }

  /** This engine as its state's export and import see it (rewardState.ts). */
  private stateParts(): RewardEngineParts {
    return {
      rt: this.rt,
      config: this.config,
      data: this.data,
      runs: this.runs,
      streams: this.streams,
      buffers: this.statics,
      runState: this.kernels.adam_ascent.defs.structs.RunState,
      layout: this.tensorLayout(),
      paramsPerRun: this.dims.paramsPerRun,
      updatesDone: this.updatesDone,
      evaluations: this.evaluations,
      readCounters: () => this.readCounters(),
      check: () => this.check(),
      setHyperparameters: (change) => this.setHyperparameters(change),
      restoreCounters: (r, saved) => this.counters.restore(r, saved),
      restoreProgress: (updatesDone, evaluations) => {
        this.updatesDone = updatesDone;
        this.evaluations = evaluations;
      },
    };
  }

  /**
   * The whole training state (src/engine/state.ts), the CPU engine's format (rewardState.ts
   * exportRewardState): counters brought up to date first, then parameters, Adam moments and
   * run states read back once. Adam's step count is the engine's update count.
   */
  async exportState(): Promise<EngineState> {
    return exportRewardState(this.stateParts());
  }

  /**
   * Restores a state exported by any back end for the same model, runs and data (rewardState.ts
   * importRewardState); the saved learning rate and batch size apply. A CPU engine's f64
   * baselines become f32 here.
   * @throws EngineStateError naming `source` and the first thing that does not fit (nothing changes then)
   */
  async importState(state: EngineState, source: string): Promise<void> {
    return importRewardState(this.stateParts(), state, source);
  }

  private runIndex(run: number): number {
    return runIndexOf(this.runs, run);
  }

  /** Test access: a copy of any engine buffer (activations of the last forward pass, grads, …). */
  async debugRead(name: keyof StaticBuffers | keyof ActivationBuffers, layer = 0): Promise<ArrayBuffer> {
    this.check();
    const source = (name in this.statics ? this.statics[name as keyof StaticBuffers] : this.activations[name as keyof ActivationBuffers]) as GPUBuffer | GPUBuffer[];
    const buffer = Array.isArray(source) ? source[layer] : source;
    return this.rt.res.read(buffer, 0, buffer.size, `debug ${name}`);
  }

  /**
   * Bench access (bench/categoricalWebgpu.ts): the kernels of one training update of the current
   * batch, in encoding order (index i is dispatch i of {@link runDispatch}).
   */
  updateDispatches(): KernelName[] {
    return this.plannedUpdate().map((d) => d.kernel);
  }

  /**
   * Bench access (bench/categoricalWebgpu.ts): encodes dispatch `index` of one training update
   * (the kernel, bind group and grid {@link step} would use, reading the uniform slot of update
   * `updatesDone`) `repeats` times alone in one compute pass, submits it and resolves when the
   * GPU is idle, so a caller can time one kernel. Dispatches that write state (Adam, the
   * baseline and counters) run `repeats` times too: time on an engine whose training state does
   * not matter afterwards.
   * @throws EngineError('config') for an index outside the update's dispatches or repeats < 1
   */
  async runDispatch(index: number, repeats: number): Promise<void> {
    this.check();
    const planned = this.plannedUpdate();
    if (!Number.isInteger(index) || index < 0 || index >= planned.length) throw new EngineError(`dispatch index must be in 0..${planned.length - 1}, got ${index}`, 'config');
    if (!Number.isInteger(repeats) || repeats < 1) throw new EngineError(`repeats must be a positive integer, got ${repeats}`, 'config');
    const { kernel, group, grid } = planned[index];
    this.steps.write([trainingStepValues(this.config, this.updatesDone, 0, 0, this.data.train.count, BANDIT_STREAMS)]);
    const encoder = this.device.createCommandEncoder({ label: `${kernel} × ${repeats}` });
    const pass = encoder.beginComputePass({ label: `${kernel} × ${repeats}` });
    const sink = passSink(pass, this.kernels, this.steps);
    for (let k = 0; k < repeats; k++) sink.dispatch(kernel, group, 0, grid);
    pass.end();
    this.rt.submit(encoder);
    await this.rt.idle();
    this.check();
  }

  /** One training update's dispatches (forward and backward of the current batch), recorded, not encoded. */
  private plannedUpdate(): { kernel: KernelName; group: GPUBindGroup | undefined; grid: Grid }[] {
    const planned: { kernel: KernelName; group: GPUBindGroup | undefined; grid: Grid }[] = [];
    const recorder: DispatchSink = { dispatch: (kernel, group, _slot, grid) => void planned.push({ kernel, group, grid }) };
    this.encoder.forward(recorder, 0, this.config.batch, this.groups.binarizeTrain);
    this.encoder.backward(recorder, 0, this.config.batch);
    return planned;
  }

  /** Bytes of the GPU buffers the runtime owns now (GpuResources.bytes; the soak watches it). */
  get gpuBufferBytes(): number {
    return this.rt.res.bytes;
  }

  get capacity(): number {
    return this.dims.capacity;
  }

  /** Releases the runtime: every buffer, and the device when the runtime created it. */
  dispose(): void {
    this.rt.dispose();
  }
}

/** The bandit as a GPU program (registered in ../programs.ts). */
export const banditProgram: GpuProgram<GpuBanditEngine> = {
  task: 'bandit',
  create(runtime, input, options) {
    if (input.config.task !== 'bandit') throw new EngineError(`WebGPU bandit program: task ${input.config.task} is not the bandit`, 'config');
    return new GpuBanditEngine(runtime, input.config, input.data, options);
  },
};
