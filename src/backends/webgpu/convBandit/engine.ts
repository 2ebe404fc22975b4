// The conv bandit program on the WebGPU runtime (appendix E, docs/math.md §7.2): the deterministic
// trunk runs on tfjs-backend-webgpu registered on this engine's device (src/trunk/webgpuTrunk.ts,
// loaded on first use), everything after its logits is the bandit program's kernels. One update:
//   A  binarize the minibatch; copy each group's pixels and each run's trunk tensors (from the
//      packed parameters) to buffers of their own (tfjs wraps a buffer from byte 0)
//   -  per run: the trunk's forward pass, its logits copied into the Bernoulli layer's logits
//   B  sample the Bernoulli layer, output logits, softmax action and reward, HNCA credit from
//      the softmax child, learning signals, the output layer's gradient and variance; copy each
//      run's signals to a buffer of its own
//   -  per run: the trunk's backward pass with the signals as dL/du: batch-mean gradients into
//      the packed gradients, Σ_b ‖g_b‖²/B per trunk layer into secondMoments
//   C  the trunk layers' variance, Adam on every tensor, baseline and counters
// Nothing is read back in the loop except the periodic metrics copy (MetricsReader). Runs of
// one seed share minibatches and initial weights and draw with the CPU engine's RNG streams.
import type { Dataset } from '../../../data/dataset.ts';
import type { MinibatchStream } from '../../../data/minibatch.ts';
import { convBanditShape, ConvBanditParameters, initConvBanditParameters, type ConvBanditShape } from '../../../models/convBandit/parameters.ts';
import { Stream } from '../../../rng/streams.ts';
import type { GpuTrunkPass, WebGpuTrunk } from '../../../trunk/webgpuTrunk.ts';
import { banditEstimator } from '../../../engine/estimators.ts';
import type { CheckpointableEngine, EngineState } from '../../../engine/state.ts';
import {
  EngineError,
  evaluationKey,
  expandRuns,
  type ConvBanditConfig,
  type EngineInfo,
  type EvaluateOptions,
  type EvaluationResult,
  type ExampleTrace,
  type RunCounters,
  type RunSpec,
  type WeightMatrix,
} from '../../../engine/types.ts';
import { validateConvBanditConfig, validateHyperparameterChange } from '../../../engine/validate.ts';
import { unitMajor } from '../../../engine/weights.ts';
import type { GpuProgram, GpuProgramOptions } from '../program.ts';
import { foldedGrid, requireLimit, requireStorageBuffers, type Grid } from '../runtime/limits.ts';
import { uniformView } from '../runtime/pipelines.ts';
import type { GpuRuntime } from '../runtime/runtime.ts';
import { UniformSlots } from '../runtime/uniformSlots.ts';
import { makeStructuredView, type StructuredView } from '../runtime/webgpuUtils.ts';
import { advanceStreams, seedGroups } from '../minibatchStreams.ts';
import { scoreTestActions } from '../testActions.ts';
import { RunCounterWindow } from '../runCounters.ts';
import { runIndexOf } from '../program.ts';
import { exportRewardState, importRewardState, initialRewardRunStates, type RewardEngineParts } from '../rewardState.ts';
import { trainingStepValues, type StepValues } from '../stepParams.ts';
import {
  convDims,
  createConvActivationBuffers,
  createConvBindGroups,
  createConvStaticBuffers,
  releaseConvActivationBuffers,
  type ConvActivationBuffers,
  type ConvBindGroups,
  type ConvDims,
  type ConvForwardGroups,
  type ConvLayerUniforms,
  type ConvStaticBuffers,
} from './buffers.ts';
import { createConvKernels, type ConvKernelName, type ConvKernelSet } from './kernels.ts';

/** The conv bandit's sampling streams in StepParams: the Bernoulli layer's (hidden layer 0) and the action's, as the CPU engine's. */
const CONV_STREAMS = { hidden: Stream.hiddenBase, action: Stream.action };
/** elements of the reduced dimension staged per workgroup barrier in the tiled kernels */
const TILE_DEPTH = 64;
/** examples per evaluation chunk (the activation capacity is at least this) */
const EVAL_CHUNK = 256;
/** flush the metric window every this many updates (f32 sums stay exact enough) */
const FLUSH_EVERY = 50;
/** the softmax kernel's array of action probabilities (softmax_action_reward.wgsl MAX_ACTIONS) */
const MAX_ACTIONS = 64;

/** Where a dispatch goes: encoded into a compute pass, or checked against the device limits (planning). */
type Sink = (kernel: ConvKernelName, group: GPUBindGroup | undefined, grid: Grid) => void;

/** The webgpuTrunk module, loaded on first use (TensorFlow.js stays out of the other tasks' bundles). */
type TrunkModule = typeof import('../../../trunk/webgpuTrunk.ts');

/**
 * The conv bandit's TrainingEngine on WebGPU (docs/math.md §7.2): every run's Bernoulli layer,
 * output and optimizer in the same dispatches (the run is the z dimension), each run's trunk
 * on tfjs-backend-webgpu on the same device.
 */
export class GpuConvBanditEngine implements CheckpointableEngine {
  readonly info: EngineInfo;
  readonly config: ConvBanditConfig;
  readonly runs: RunSpec[];
  readonly device: GPUDevice;
  updatesDone = 0;
  private evaluations = 0;
  private readonly shape: ConvBanditShape;
  private readonly dims: ConvDims;
  private readonly tile: number;
  private readonly anyHnca: boolean;
  private readonly gpu: GPU | undefined;
  private readonly kernels: ConvKernelSet;
  private readonly streams: MinibatchStream[];
  private readonly groupOfRun: number[];
  private readonly statics: ConvStaticBuffers;
  private activations: ConvActivationBuffers;
  private groups: ConvBindGroups;
  private readonly uniforms: ConvLayerUniforms;
  private readonly layerView: StructuredView;
  private readonly steps: UniformSlots<StepValues>;
  private readonly runStateSize: number;
  /** the run states as first written (seed, group, estimator flags), the base of an inspection's */
  private readonly initialRunStates: ArrayBuffer;
  private readonly counters: RunCounterWindow;
  private trunkModule: TrunkModule | null = null;
  private trunk: WebGpuTrunk | null = null;
  /** trunk passes alive (between their forward and their disposal): dispose() releases them */
  private readonly livePasses = new Set<GpuTrunkPass>();

  /**
   * Plans (and checks against the device limits) before allocating, then builds everything
   * between runtime.beginSetup() and runtime.endSetup(); the factory awaits runtime.ready(). The trunk's library starts at
   * the first step, evaluation or inspection. `options.gpu`: the GPU object the device came
   * from, where there is no `navigator.gpu` (Node: Dawn's), which tfjs-backend-webgpu needs.
   * @throws EngineError('config') for an invalid configuration, EngineError('limits') for one
   * too large for the device (a buffer, a kernel's workgroup, a dispatch grid)
   */
  constructor(
    private readonly rt: GpuRuntime,
    config: ConvBanditConfig,
    private readonly data: Dataset,
    options: GpuProgramOptions = {},
  ) {
    validateConvBanditConfig(config, data);
    const device = rt.device;
    this.device = device;
    this.config = { ...config, estimators: [...config.estimators], seeds: [...config.seeds] };
    this.info = { backend: 'webgpu', description: `${rt.description}; trunk on the TensorFlow.js WebGPU back end on the same device` };
    this.runs = expandRuns(config);
    this.gpu = options.gpu;
    this.anyHnca = this.runs.some((r) => banditEstimator(r.estimator).signal === 'hnca');
    const { seeds, groupOfRun, streams } = seedGroups(this.runs, data.train.count);
    this.groupOfRun = groupOfRun;
    this.streams = streams;
    this.shape = convBanditShape(config, data.rows, data.cols, data.classes);
    this.dims = convDims(this.shape, this.runs.length, seeds.length, Math.max(config.batch, EVAL_CHUNK), data.pixels);
    this.tile = options.tile ?? (rt.cpuAdapter ? 4 : device.limits.maxComputeInvocationsPerWorkgroup >= 256 ? 16 : 8);
    if (data.classes > MAX_ACTIONS) throw new EngineError(`WebGPU engine: at most ${MAX_ACTIONS} actions, the dataset has ${data.classes} classes`, 'config');
    requireLimit(device, 'maxComputeWorkgroupsPerDimension', this.runs.length, `${this.runs.length} runs`);
    this.checkBufferSizes();
    this.checkGrids(this.dims.capacity);

    const res = rt.res;
    rt.beginSetup();
    try {
      this.kernels = createConvKernels(rt, this.tile, TILE_DEPTH);
      const stepKernel = this.kernels.adam_ascent;
      this.steps = new UniformSlots(res, 'step uniform slot', uniformView(stepKernel, 'step'), 1);
      this.layerView = uniformView(stepKernel, 'layer');
      const uniform = (label: string) => res.buffer(label, this.layerView.arrayBuffer.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      this.uniforms = {
        pixels: uniform('pixel uniform'),
        bernoulli: uniform('Bernoulli layer uniform'),
        layers: Array.from({ length: this.dims.layers }, (_, k) => uniform(`layer ${k} uniform`)),
      };
      this.writeLayerUniforms();

      const runStateDef = stepKernel.defs.structs.RunState;
      this.runStateSize = runStateDef.size;
      const runStates = initialRewardRunStates(runStateDef, this.runs, this.groupOfRun);
      // runs of one seed start from the same weights (the CPU engine's initialisation)
      const params = new Float32Array(this.runs.length * this.dims.paramsPerRun);
      this.runs.forEach((run, r) => {
        const init = initConvBanditParameters(this.shape, run.seed);
        init.tensors.forEach((t, k) => params.set(t.value, r * this.dims.paramsPerRun + this.dims.tensors[k].offset));
      });
      this.initialRunStates = runStates;
      this.statics = createConvStaticBuffers(res, this.dims, data, runStates, Uint32Array.from(seeds), params);
      this.streams.forEach((s, g) => res.write(this.statics.permutation, s.permutation, g * data.train.count * 4));
      this.activations = createConvActivationBuffers(res, this.dims);
      this.groups = createConvBindGroups(rt, this.kernels, this.statics, this.activations, this.uniforms, this.steps.binding);
      this.counters = new RunCounterWindow(rt, {
        runs: this.runs.length,
        layers: this.dims.layers,
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

  /** The largest buffers against the device limits, before anything is allocated. */
  private checkBufferSizes(): void {
    const { runs, groups, capacity, paramsPerRun, pixels, width, actions } = this.dims;
    const largest: [string, number][] = [
      [`parameters of ${runs} runs`, runs * paramsPerRun * 4],
      ['minibatch pixels', groups * capacity * pixels * 4],
      [`the Bernoulli layer's activations of ${runs} runs`, runs * capacity * width * 4],
      [`the output's activations of ${runs} runs`, runs * capacity * actions * 4],
      ['the training images', this.data.train.images.byteLength],
      ['the epoch permutations', groups * this.data.train.count * 4],
      ['the evaluation actions', runs * this.data.test.count * 4],
    ];
    requireStorageBuffers(this.device, largest);
  }

  /**
   * Every dispatch grid of an update and of an evaluation chunk of up to `batch` examples
   * against the device (grids grow with the batch, so the capacity covers every smaller batch).
   * @throws EngineError('limits') naming the kernel, the grid dimension and the value
   */
  private checkGrids(batch: number): void {
    const sink: Sink = (kernel, _group, grid) => this.rt.checkGrid(grid, `kernel ${kernel} (a batch of ${batch})`);
    this.encodeInput(sink, batch, undefined);
    this.encodeBernoulli(sink, batch, true);
    this.encodeUpdate(sink);
  }

  private writeLayerUniforms(): void {
    const d = this.dims;
    const centered = this.config.hiddenValues === 'pm1';
    const base = {
      paramsPerRun: d.paramsPerRun,
      capacity: d.capacity,
      inputIsPixels: 0,
      centered: 0,
      flipMagnitude: 1,
      runs: d.runs,
      layers: d.layers,
      metricStride: d.metricStride,
      categories: 0,
    };
    const write = (buffer: GPUBuffer, values: Record<string, number>): void => {
      this.layerView.set({ ...base, ...values });
      this.device.queue.writeBuffer(buffer, 0, this.layerView.arrayBuffer);
    };
    write(this.uniforms.pixels, { layer: 0, inWidth: d.pixels, outWidth: d.width, paramOffset: 0, inputIsPixels: 1 });
    // the Bernoulli layer samples from hidden stream hiddenBase + 0, as the CPU run's layer 0
    write(this.uniforms.bernoulli, { layer: 0, inWidth: d.width, outWidth: d.width, paramOffset: 0 });
    for (let k = 0; k < d.layers; k++) {
      const output = k === d.layers - 1;
      write(this.uniforms.layers[k], {
        layer: k,
        inWidth: d.layerInputs[k],
        outWidth: d.layerUnits[k],
        paramOffset: d.layerOffsets[k],
        centered: output && centered ? 1 : 0,
        flipMagnitude: output && centered ? 2 : 1,
      });
    }
  }

  /** A sink that encodes into `pass`, each step-reading dispatch at the uniform slot. */
  private passSink(pass: GPUComputePassEncoder): Sink {
    return (kernel, group, grid) => {
      if (!group) throw new EngineError(`WebGPU conv bandit program: no bind group for ${kernel}`, 'internal');
      pass.setPipeline(this.kernels[kernel].pipeline);
      pass.setBindGroup(0, group, kernel === 'trunk_gradient_variance' ? [] : [this.steps.offset(0)]);
      pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    };
  }

  /** A 1-D grid of `invocations` over workgroups of 64, folded into y past the device limit, per run. */
  private flat(invocations: number, z: number): Grid {
    return foldedGrid(this.device, Math.ceil(invocations / 64), z);
  }

  /** Binarizes `batch` images of every group (train or test, by the bind group). */
  private encodeInput(sink: Sink, batch: number, binarize: GPUBindGroup | undefined): void {
    sink('binarize_minibatch', binarize, [Math.ceil(this.dims.pixels / 64), Math.max(1, batch), this.dims.groups]);
  }

  /**
   * After the trunk's logits: the Bernoulli layer's samples, the output's logits, the softmax
   * action and reward; when `training`, HNCA credit, the learning signals, and the output
   * layer's gradient and variance (docs/math.md §2 for the Bernoulli layer and the output).
   */
  private encodeBernoulli(sink: Sink, batch: number, training: boolean, forward?: ConvForwardGroups): void {
    const { runs, width, actions } = this.dims;
    const g = this.groups as ConvBindGroups | undefined;
    const f = forward ?? g;
    const T = this.tile;
    sink('bernoulli_sample', f?.sample, this.flat(batch * width, runs));
    sink('affine_logits', f?.outLogits, [Math.ceil(actions / T), Math.ceil(batch / T), runs]);
    sink('softmax_action_reward', f?.softmax, [Math.ceil(batch / 64), 1, runs]);
    if (!training) return;
    if (this.anyHnca) sink('softmax_child_credit', g?.credit, this.flat(batch * width, runs));
    sink('learning_signals', g?.signals, this.flat(batch * width, runs));
    sink('weight_gradient', g?.outGradient, [Math.ceil(actions / T), Math.ceil((width + 1) / T), runs]);
    sink('gradient_variance', g?.outVariance, [1, 1, runs]);
  }

  /** After the trunk's gradients: the trunk layers' variance, Adam on every tensor, baseline and counters. */
  private encodeUpdate(sink: Sink): void {
    const { runs, trunkLayers, paramsPerRun } = this.dims;
    const g = this.groups as ConvBindGroups | undefined;
    for (let k = 0; k < trunkLayers; k++) sink('trunk_gradient_variance', g?.trunkVariance[k], [1, 1, runs]);
    sink('adam_ascent', g?.adam, this.flat(runs * paramsPerRun, 1));
    sink('baseline_and_counters', g?.counters, [runs, 1, 1]);
  }

  /**
   * The trunk on this device: loads src/trunk/webgpuTrunk.ts (and TensorFlow.js) on first use
   * and makes its WebGPU back end, on this engine's device, the active TensorFlow.js back end
   * (again on every call: another engine may have switched it).
   * @throws EngineError('unavailable') when the TensorFlow.js WebGPU back end cannot start on the device
   */
  private async trunkOnDevice(): Promise<WebGpuTrunk> {
    try {
      this.trunkModule ??= await import('../../../trunk/webgpuTrunk.ts');
      await this.trunkModule.useTrunkWebGpuBackend(this.device, this.gpu);
    } catch (error) {
      throw new EngineError(`WebGPU conv bandit: the trunk's TensorFlow.js WebGPU back end did not start (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`, 'unavailable');
    }
    this.trunk ??= new this.trunkModule.WebGpuTrunk(this.shape, this.device);
    return this.trunk;
  }

  /**
   * Starts the trunk's library (TensorFlow.js's WebGPU back end) on the engine's device.
   * @throws EngineError('unavailable') when it cannot start
   */
  async prepare(): Promise<void> {
    this.check();
    await this.trunkOnDevice();
  }

  /** Copies each group's first `batch` binarized images to its own buffer (the trunk's input, from byte 0). */
  private copyGroupPixels(encoder: GPUCommandEncoder, batch: number): void {
    const bytes = this.dims.capacity * this.dims.pixels * 4;
    for (let g = 0; g < this.dims.groups; g++) encoder.copyBufferToBuffer(this.activations.pixels, g * bytes, this.activations.groupPixels[g], 0, batch * this.dims.pixels * 4);
  }

  /** Copies run `r`'s trunk tensors out of the packed parameters (each to its own buffer, from byte 0). */
  private copyTrunkTensors(encoder: GPUCommandEncoder, r: number): void {
    this.statics.trunkTensors[r].forEach((buffer, k) => {
      const t = this.dims.tensors[k];
      encoder.copyBufferToBuffer(this.statics.params, (r * this.dims.paramsPerRun + t.offset) * 4, buffer, 0, t.size * 4);
    });
  }

  /** The trunk's forward pass of `batch` images for run `r`, its logits into the Bernoulli layer's logits of the run. */
  private trunkForward(trunk: WebGpuTrunk, r: number, batch: number): GpuTrunkPass {
    const { capacity, width } = this.dims;
    const pass = trunk.forward(this.activations.groupPixels[this.groupOfRun[r]], batch, this.statics.trunkTensors[r], { buffer: this.activations.logits, offset: r * capacity * width * 4 });
    this.livePasses.add(pass);
    return pass;
  }

  private releasePass(pass: GpuTrunkPass): void {
    pass.dispose();
    this.livePasses.delete(pass);
  }

  /** @throws the runtime's error (runtime.ts check) or a failed metric readback as EngineError('internal') */
  private check(): void {
    this.counters.check();
  }

  get updatesPerEpoch(): number {
    return Math.floor(this.data.train.count / this.config.batch);
  }

  /**
   * n updates, one after another (each waits for none: the trunk's library and our kernels share
   * the device's queue, which runs submissions in order); resolves when the GPU has done them.
   * Metrics are copied every `flushEvery` updates and mapped asynchronously (MetricsReader).
   * @throws EngineError as check(), or 'unavailable' when the trunk's back end cannot start
   */
  async step(n: number): Promise<void> {
    this.check();
    const trunk = await this.trunkOnDevice();
    const { runs, capacity, width, trunkLayers, paramsPerRun } = this.dims;
    for (let u = 0; u < n; u++) {
      const batch = this.config.batch;
      const { epoch, cursor } = advanceStreams(this.rt.res, this.streams, this.statics.permutation, batch, this.data.train.count);
      this.steps.write([trainingStepValues(this.config, this.updatesDone, cursor, epoch, this.data.train.count, CONV_STREAMS)]);
      const label = `update ${this.updatesDone}`;
      // A: the minibatch, and the trunk's inputs at byte 0 of buffers of their own
      const input = this.device.createCommandEncoder({ label: `${label}: minibatch` });
      const inputPass = input.beginComputePass({ label: `${label}: binarize` });
      this.encodeInput(this.passSink(inputPass), batch, this.groups.binarizeTrain);
      inputPass.end();
      this.copyGroupPixels(input, batch);
      for (let r = 0; r < runs; r++) this.copyTrunkTensors(input, r);
      this.rt.submit(input);
      const passes: GpuTrunkPass[] = [];
      try {
        for (let r = 0; r < runs; r++) passes.push(this.trunkForward(trunk, r, batch));
        // B: the Bernoulli layer, the output, credit and signals
        const middle = this.device.createCommandEncoder({ label: `${label}: Bernoulli layer and output` });
        const middlePass = middle.beginComputePass({ label: `${label}: Bernoulli layer and output` });
        this.encodeBernoulli(this.passSink(middlePass), batch, true);
        middlePass.end();
        for (let r = 0; r < runs; r++) middle.copyBufferToBuffer(this.activations.signals, r * capacity * width * 4, this.activations.runSignals[r], 0, batch * width * 4);
        this.rt.submit(middle);
        passes.forEach((pass, r) => {
          const grads = this.dims.tensors.slice(0, 2 * trunkLayers).map((t) => ({ buffer: this.statics.grads, offset: (r * paramsPerRun + t.offset) * 4 }));
          pass.backward(this.activations.runSignals[r], grads, { buffer: this.statics.secondMoments, offset: r * trunkLayers * 4 });
        });
      } finally {
        for (const pass of passes) this.releasePass(pass);
      }
      // C: variance, Adam, counters
      const finish = this.device.createCommandEncoder({ label: `${label}: ascent step` });
      const finishPass = finish.beginComputePass({ label: `${label}: variance, Adam, counters` });
      this.encodeUpdate(this.passSink(finishPass));
      finishPass.end();
      this.updatesDone += 1;
      this.counters.submitUpdates(finish, 1);
    }
    await this.rt.idle();
    this.check();
  }

  /** Every run's counters up to date (a metric flush; RunCounterWindow.read). */
  async readCounters(): Promise<RunCounters[]> {
    return this.counters.read('metrics flush');
  }

  /**
   * Test accuracy of every run: the mean reward of a stochastic forward pass over the test set,
   * binarized afresh (evaluation e: the CPU engine's binarization and sampling streams), in
   * chunks of up to 256 images; `onProgress` after each chunk (test images done of the total).
   */
  async evaluate(options?: EvaluateOptions): Promise<EvaluationResult[]> {
    this.check();
    const trunk = await this.trunkOnDevice();
    const e = evaluationKey(options, this.evaluations++);
    const test = this.data.test;
    const { runs, capacity } = this.dims;
    const chunk = Math.min(EVAL_CHUNK, capacity);
    for (let start = 0; start < test.count; start += chunk) {
      const count = Math.min(chunk, test.count - start);
      this.steps.write([
        {
          ...trainingStepValues(this.config, this.updatesDone, 0, 0, test.count, CONV_STREAMS),
          batch: count,
          keyStep: e,
          hiddenStream: Stream.evalHiddenBase,
          actionStream: Stream.evalAction,
          exampleOffset: start,
          gather: 0,
          binarizeStep: e,
          binarizeStream: Stream.binarizeTest,
        },
      ]);
      const input = this.device.createCommandEncoder({ label: `evaluation ${e} chunk ${start}: test images` });
      const inputPass = input.beginComputePass({ label: `evaluation ${e}: binarize` });
      this.encodeInput(this.passSink(inputPass), count, this.groups.binarizeTest);
      inputPass.end();
      this.copyGroupPixels(input, count);
      if (start === 0) for (let r = 0; r < runs; r++) this.copyTrunkTensors(input, r);
      this.rt.submit(input);
      // each pass's logits are copied when it returns: its tensors can go at once
      for (let r = 0; r < runs; r++) this.releasePass(this.trunkForward(trunk, r, count));
      const encoder = this.device.createCommandEncoder({ label: `evaluation ${e} chunk ${start}` });
      const pass = encoder.beginComputePass({ label: `evaluation ${e} chunk ${start}` });
      this.encodeBernoulli(this.passSink(pass), count, false);
      pass.end();
      for (let r = 0; r < runs; r++) encoder.copyBufferToBuffer(this.activations.actions, r * capacity * 4, this.statics.evalActions, (r * test.count + start) * 4, count * 4);
      this.rt.submit(encoder);
      if (options?.onProgress) {
        await this.rt.idle();
        await options.onProgress(start + count, test.count);
      }
    }
    const actions = new Uint32Array(await this.rt.res.read(this.statics.evalActions, 0, runs * test.count * 4, 'evaluation actions'));
    this.check();
    return scoreTestActions(actions, this.runs.length, test, options?.collectActions);
  }

  /**
   * One image (0/1 pixels [rows · cols]) through run `run`, with the CPU engine's inspection
   * streams from `seed`: the Bernoulli layer's probabilities, samples and HNCA credit, and the
   * action probabilities. The dispatches read the inspection's own run states (the runs' with
   * `seed` as their RNG seed), so training's run states are never touched; the activations are
   * scratch that every update rewrites.
   * @throws EngineError('config') for an image of the wrong size or a run not in this engine
   */
  async inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace> {
    this.check();
    if (pixels.length !== this.data.pixels) throw new EngineError(`inspect needs ${this.data.pixels} input values, got ${pixels.length}`, 'config');
    const r = this.runIndex(run);
    const trunk = await this.trunkOnDevice();
    const res = this.rt.res;
    const { runs, capacity, width, actions } = this.dims;
    const states = this.initialRunStates.slice(0);
    for (let q = 0; q < runs; q++) this.runStateView(states, q).seed[0] = seed >>> 0;
    res.write(this.statics.inspectRuns, new Uint8Array(states));
    res.write(this.activations.groupPixels[this.groupOfRun[r]], Float32Array.from(pixels, (p) => (p ? 1 : 0)));
    this.steps.write([
      {
        ...trainingStepValues(this.config, this.updatesDone, 0, 0, this.data.test.count, CONV_STREAMS),
        batch: 1,
        keyStep: 0,
        hiddenStream: Stream.inspectHiddenBase,
        actionStream: Stream.inspectAction,
        exampleOffset: 0,
        gather: 0,
      },
    ]);
    const input = this.device.createCommandEncoder({ label: 'inspection: trunk tensors' });
    this.copyTrunkTensors(input, r);
    this.rt.submit(input);
    this.releasePass(this.trunkForward(trunk, r, 1));
    const encoder = this.device.createCommandEncoder({ label: 'inspection' });
    const pass = encoder.beginComputePass({ label: 'inspection' });
    const sink = this.passSink(pass);
    this.encodeBernoulli(sink, 1, false, this.groups.inspect);
    sink('softmax_child_credit', this.groups.inspect.credit, this.flat(width, runs));
    pass.end();
    this.rt.submit(encoder);
    const at = r * capacity * width * 4;
    const [probs, samples, credit, outProbs] = await Promise.all([
      res.read(this.activations.probs, at, width * 4, 'inspection probabilities'),
      res.read(this.activations.samples, at, width * 4, 'inspection samples'),
      res.read(this.activations.credit, at, width * 4, 'inspection credit'),
      res.read(this.activations.outProbs, r * capacity * actions * 4, actions * 4, 'inspection action probabilities'),
    ]);
    this.check();
    return {
      probabilities: [new Float32Array(probs)],
      samples: [Uint8Array.from(new Float32Array(samples))],
      credit: [new Float32Array(credit)],
      actionProbabilities: new Float32Array(outProbs),
    };
  }

  /** @throws EngineError('config') for invalid values, EngineError('limits') for a batch whose grids exceed the device */
  setHyperparameters(change: { lr?: number; batch?: number }): void {
    this.check();
    validateHyperparameterChange(change, this.data.train.count);
    if (change.batch !== undefined && change.batch > this.dims.capacity) this.checkGrids(change.batch);
    if (change.lr !== undefined) this.config.lr = change.lr;
    if (change.batch !== undefined) {
      this.config.batch = change.batch;
      if (change.batch > this.dims.capacity) {
        releaseConvActivationBuffers(this.rt.res, this.activations);
        this.dims.capacity = change.batch;
        this.writeLayerUniforms();
        this.activations = createConvActivationBuffers(this.rt.res, this.dims);
        this.groups = createConvBindGroups(this.rt, this.kernels, this.statics, this.activations, this.uniforms, this.steps.binding);
      }
    }
  }

  /** Parameters of run `run` in the CPU engine's form (a copy; Adam moments and gradients are zero). */
  async readParameters(run: number): Promise<ConvBanditParameters> {
    this.check();
    const r = this.runIndex(run);
    const per = this.dims.paramsPerRun;
    const flat = new Float32Array(await this.rt.res.read(this.statics.params, r * per * 4, per * 4, `parameters of run ${run}`));
    const p = new ConvBanditParameters(this.shape);
    p.tensors.forEach((t, k) => t.value.set(flat.subarray(this.dims.tensors[k].offset, this.dims.tensors[k].offset + t.size)));
    return p;
  }

  /**
   * Weight matrix `layer` of run `run`, unit-major, as the CPU engine's: 0..convLayers−1 the
   * convolutions' filters [channels, 3·3·inChannels], then the linear layer [width, features],
   * then the output [actions, width].
   * @throws EngineError('config') for a layer or run out of range
   */
  async readWeights(run: number, layer: number): Promise<WeightMatrix> {
    const { layers, layerInputs, layerUnits } = this.dims;
    if (!Number.isInteger(layer) || layer < 0 || layer >= layers) throw new EngineError(`layer must be in 0..${layers - 1}, got ${layer}`, 'config');
    const params = await this.readParameters(run);
    return unitMajor(params.tensors[2 * layer].value, layerInputs[layer], layerUnits[layer]);
  }

  private runStateView(buffer: ArrayBuffer, r: number): Record<string, Uint32Array | Float32Array> {
    return makeStructuredView(this.kernels.adam_ascent.defs.structs.RunState, buffer, r * this.runStateSize).views as Record<string, Uint32Array | Float32Array>;
  }

  private tensorLayout(): { name: string; shape: number[] }[] {
    return this.dims.tensors.map((t) => ({ name: t.name, shape: [...t.shape] }));
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

  /** Test access: a copy of an engine buffer (the activations of the last update, gradients, …). */
  async debugRead(name: 'samples' | 'probs' | 'logits' | 'actions' | 'rewards' | 'grads' | 'signals' | 'credit'): Promise<ArrayBuffer> {
    this.check();
    const buffer = name === 'grads' ? this.statics.grads : this.activations[name];
    return this.rt.res.read(buffer, 0, buffer.size, `debug ${name}`);
  }

  /** examples per run the activation buffers hold */
  get capacity(): number {
    return this.dims.capacity;
  }

  /** Bytes of the GPU buffers the runtime owns now (GpuResources.bytes). */
  get gpuBufferBytes(): number {
    return this.rt.res.bytes;
  }

  /** Releases every trunk pass still alive (their TensorFlow.js tensors), then the runtime: every buffer, and the device when the runtime created it. */
  dispose(): void {
    for (const pass of this.livePasses) pass.dispose();
    this.livePasses.clear();
    this.rt.dispose();
  }
}

/** The conv bandit as a GPU program (registered in ../programs.ts). */
export const convBanditProgram: GpuProgram<GpuConvBanditEngine> = {
  task: 'conv-bandit',
  create(runtime, input, options) {
    if (input.config.task !== 'conv-bandit') throw new EngineError(`WebGPU conv bandit program: task ${input.config.task} is not the conv bandit`, 'config');
    return new GpuConvBanditEngine(runtime, input.config, input.data, options);
  },
  async prepare(engine) {
    await engine.prepare();
  },
};
