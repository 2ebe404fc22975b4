// The conv bandit program on the GpuEngine (appendix E, docs/math.md §7.2): the deterministic
// trunk runs on tfjs-backend-webgpu registered on this engine's device (src/trunk/webgpuTrunk.ts,
// loaded on first use), everything after its logits is the bandit program's kernels. One update:
//   A  binarize the minibatch; copy each group's pixels and each run's trunk tensors (from the
//      packed parameters) to buffers of their own (tfjs wraps a buffer from byte 0)
//   -  per run (a host stage): the trunk's forward pass, its logits copied into the Bernoulli layer's logits
//   B  sample the Bernoulli layer, output logits, softmax action and reward, HNCA credit from
//      the softmax child, learning signals, the output layer's gradient and variance; copy each
//      run's signals to a buffer of its own
//   -  per run (a host stage): the trunk's backward pass with the signals as dL/du: batch-mean gradients into
//      the packed gradients, each trunk layer's gradient variance (shifted sums, docs/math.md §4) into trunkVariance
//   C  the trunk layers' variance, Adam on every tensor, baseline and counters
// Nothing is read back in the loop except the periodic metrics copy (MetricsReader). Runs of
// one seed share minibatches and initial weights and draw with the CPU engine's RNG streams.
import { convBanditShape, ConvBanditParameters, initConvBanditParameters, type ConvBanditShape } from '../../../models/convBandit/parameters.ts';
import { Stream } from '../../../rng/streams.ts';
import type { GpuTrunkPass, WebGpuTrunk } from '../../../trunk/webgpuTrunk.ts';
import { banditEstimator } from '../../../engine/estimators.ts';
import { EngineError, type ConvBanditConfig, type ExampleTrace, type WeightMatrix } from '../../../engine/types.ts';
import { validateConvBanditConfig } from '../../../engine/validate.ts';
import { unitMajor } from '../../../engine/weights.ts';
import { configureTask, type BufferCopy, type Dispatch, type EvaluationPlan, type GpuProgram, type Plan, type ProgramContext, type ProgramInstance, type RunStateBuffer } from '../program.ts';
import { initialRewardRunStates, restoreRewardBaselines, rewardBaselines } from '../rewardState.ts';
import { checkDispatches, encodeDispatches } from '../runtime/encode.ts';
import { foldedGrid, requireStorageBuffers, type Grid } from '../runtime/limits.ts';
import { uniformView } from '../runtime/pipelines.ts';
import type { UniformSlots } from '../runtime/uniformSlots.ts';
import { makeStructuredView, type StructuredView } from '../runtime/webgpuUtils.ts';
import { trainingStepValues, type StepValues } from '../stepParams.ts';
import type { TensorSlot } from '../stateTensors.ts';
import { scoreTestActions } from '../testActions.ts';
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
import { LINEAR_WORKGROUP_SIZE, MAX_ACTIONS, TILE_DEPTH } from '../kernels/constants.ts';

/** examples per evaluation chunk (the activation capacity is at least this) */
const EVAL_CHUNK = 256;

/** The webgpuTrunk module, loaded on first use (TensorFlow.js stays out of the other tasks' bundles). */
type TrunkModule = typeof import('../../../trunk/webgpuTrunk.ts');

/**
 * The conv bandit's program (docs/math.md §7.2): every run's Bernoulli layer, output and
 * optimizer in the same dispatches (the run is the z dimension), each run's trunk on
 * tfjs-backend-webgpu on the same device (host stages of its plans). One StepParams slot: a
 * submission holds one update or one evaluation chunk.
 */
export class ConvBanditProgram implements ProgramInstance {
  /** the Bernoulli layer's stream (hidden layer 0) and the action's, as the CPU engine's */
  readonly samplingStreams = { hidden: Stream.hiddenBase, action: Stream.action };
  readonly failure = 'non-finite gradient';
  readonly buffers: ConvStaticBuffers;
  readonly runStates: RunStateBuffer[];
  readonly varianceLayers: number;
  readonly stateLayout: TensorSlot[];
  readonly paramsPerRun: number;
  private readonly config: ConvBanditConfig;
  private readonly shape: ConvBanditShape;
  private readonly dims: ConvDims;
  private readonly anyHnca: boolean;
  private readonly kernels: ConvKernelSet;
  private readonly steps: UniformSlots<StepValues>;
  private readonly uniforms: ConvLayerUniforms;
  private readonly layerView: StructuredView;
  /** the run states as first written (seed, group, estimator flags), the base of an inspection's */
  private readonly initialRunStates: ArrayBuffer;
  private activations: ConvActivationBuffers;
  private groups: ConvBindGroups;
  private trunkModule: TrunkModule | null = null;
  private trunk: WebGpuTrunk | null = null;
  /** trunk passes alive (between their forward and their disposal): dispose() releases them */
  private readonly livePasses = new Set<GpuTrunkPass>();

  /**
   * Plans (and checks against the device limits) before allocating. The trunk's library starts
   * in prepare() (the factory awaits it). `options.gpu`: the GPU object the device came from,
   * where there is no `navigator.gpu` (Node: Dawn's), which tfjs-backend-webgpu needs.
   * @throws EngineError('config') for more than 64 actions, EngineError('limits') for a
   * configuration too large for the device (a buffer, a kernel's workgroup, a dispatch grid)
   */
  constructor(private readonly ctx: ProgramContext<ConvBanditConfig>) {
    const { rt, config, data, runs } = ctx;
    this.config = config;
    this.anyHnca = runs.some((r) => banditEstimator(r.estimator).signal === 'hnca');
    this.shape = convBanditShape(config, data.rows, data.cols, data.classes);
    this.dims = convDims(this.shape, runs.length, ctx.seeds.length, Math.max(config.batch, EVAL_CHUNK), data.pixels);
    this.paramsPerRun = this.dims.paramsPerRun;
    this.varianceLayers = this.dims.layers;
    this.stateLayout = this.dims.tensors.map((t) => ({ name: t.name, shape: [...t.shape] }));
    if (data.classes > MAX_ACTIONS) throw new EngineError(`WebGPU engine: at most ${MAX_ACTIONS} actions, the dataset has ${data.classes} classes`, 'config');
    this.checkBufferSizes();
    this.kernels = createConvKernels(rt, ctx.tile, TILE_DEPTH);
    this.checkGrids(this.dims.capacity);

    const res = rt.res;
    const stepKernel = this.kernels.adam_ascent;
    this.steps = ctx.stepSlots(uniformView(stepKernel, 'step'), 1);
    this.layerView = uniformView(stepKernel, 'layer');
    const uniform = (label: string) => res.buffer(label, this.layerView.arrayBuffer.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.uniforms = {
      pixels: uniform('pixel uniform'),
      bernoulli: uniform('Bernoulli layer uniform'),
      layers: Array.from({ length: this.dims.layers }, (_, k) => uniform(`layer ${k} uniform`)),
    };
    this.writeLayerUniforms();
    const runStateDef = stepKernel.defs.structs.RunState;
    this.initialRunStates = initialRewardRunStates(runStateDef, runs, ctx.groupOfRun);
    // runs of one seed start from the same weights (the CPU engine's initialisation)
    const params = new Float32Array(runs.length * this.dims.paramsPerRun);
    runs.forEach((run, r) => {
      const init = initConvBanditParameters(this.shape, run.seed);
      init.tensors.forEach((t, k) => params.set(t.value, r * this.dims.paramsPerRun + this.dims.tensors[k].offset));
    });
    this.buffers = createConvStaticBuffers(res, this.dims, data, this.initialRunStates, Uint32Array.from(ctx.seeds), params);
    this.runStates = [{ buffer: this.buffers.runs, def: runStateDef }];
    this.activations = createConvActivationBuffers(res, this.dims);
    this.groups = this.makeBindGroups();
  }

  /** The largest buffers against the device limits, before anything is allocated. */
  private checkBufferSizes(): void {
    const { runs, groups, capacity, paramsPerRun, pixels, width, actions } = this.dims;
    const { data } = this.ctx;
    requireStorageBuffers(this.ctx.device, [
      [`parameters of ${runs} runs`, runs * paramsPerRun * 4],
      ['minibatch pixels', groups * capacity * pixels * 4],
      [`the Bernoulli layer's activations of ${runs} runs`, runs * capacity * width * 4],
      [`the output's activations of ${runs} runs`, runs * capacity * actions * 4],
      ['the training images', data.train.images.byteLength],
      ['the epoch permutations', groups * data.train.count * 4],
      ['the evaluation actions', runs * data.test.count * 4],
    ]);
  }

  /**
   * Every dispatch grid of an update and of an evaluation chunk of up to `batch` examples
   * against the device (grids grow with the batch, so the capacity covers every smaller batch).
   * @throws EngineError('limits') naming the kernel, the grid dimension and the value
   */
  private checkGrids(batch: number): void {
    checkDispatches(this.ctx.rt, [this.binarize(batch, undefined), ...this.afterTrunk(undefined, batch, true), ...this.ascent(undefined)], `a batch of ${batch}`);
  }

  private makeBindGroups(): ConvBindGroups {
    return createConvBindGroups(this.ctx.rt, this.kernels, this.buffers, this.activations, this.uniforms, this.steps.binding);
  }

  private writeLayerUniforms(): void {
    const d = this.dims;
    const centered = this.config.hiddenValues === 'pm1';
    const base = { paramsPerRun: d.paramsPerRun, capacity: d.capacity, inputIsPixels: 0, centered: 0, flipMagnitude: 1, runs: d.runs, layers: d.layers, metricStride: d.metricStride, categories: 0 };
    const write = (buffer: GPUBuffer, values: Record<string, number>): void => {
      this.layerView.set({ ...base, ...values });
      this.ctx.device.queue.writeBuffer(buffer, 0, this.layerView.arrayBuffer);
    };
    write(this.uniforms.pixels, { layer: 0, inWidth: d.pixels, outWidth: d.width, paramOffset: 0, inputIsPixels: 1 });
    // the Bernoulli layer samples from hidden stream hiddenBase + 0, as the CPU run's layer 0
    write(this.uniforms.bernoulli, { layer: 0, inWidth: d.width, outWidth: d.width, paramOffset: 0 });
    for (let k = 0; k < d.layers; k++) {
      const output = k === d.layers - 1;
      write(this.uniforms.layers[k], { layer: k, inWidth: d.layerInputs[k], outWidth: d.layerUnits[k], paramOffset: d.layerOffsets[k], centered: output && centered ? 1 : 0, flipMagnitude: output && centered ? 2 : 1 });
    }
  }

  private dispatch(kernel: ConvKernelName, group: GPUBindGroup | undefined, grid: Grid, stepSlot = true): Dispatch {
    return { kernel: this.kernels[kernel], group, grid, stepSlot };
  }

  /** A 1-D grid of `invocations` over workgroups of LINEAR_WORKGROUP_SIZE, folded into y past the device limit, per run. */
  private flat(invocations: number, z: number): Grid {
    return foldedGrid(this.ctx.device, Math.ceil(invocations / LINEAR_WORKGROUP_SIZE), z);
  }

  /** Binarizes `batch` images of every group (train or test, by the bind group). */
  private binarize(batch: number, group: GPUBindGroup | undefined): Dispatch {
    return this.dispatch('binarize_minibatch', group, [Math.ceil(this.dims.pixels / LINEAR_WORKGROUP_SIZE), Math.max(1, batch), this.dims.groups]);
  }

  /**
   * After the trunk's logits: the Bernoulli layer's samples, the output's logits, the softmax
   * action and reward; when `training`, HNCA credit, the learning signals, and the output
   * layer's gradient and variance (docs/math.md §2 for the Bernoulli layer and the output).
   * `forward` reads training's run states or an inspection's.
   */
  private afterTrunk(g: ConvBindGroups | undefined, batch: number, training: boolean, forward: ConvForwardGroups | undefined = g): Dispatch[] {
    const { runs, width, actions } = this.dims;
    const T = this.ctx.tile;
    const out = [
      this.dispatch('bernoulli_sample', forward?.sample, this.flat(batch * width, runs)),
      this.dispatch('affine_logits', forward?.outLogits, [Math.ceil(actions / T), Math.ceil(batch / T), runs]),
      this.dispatch('softmax_action_reward', forward?.softmax, [Math.ceil(batch / LINEAR_WORKGROUP_SIZE), 1, runs]),
    ];
    if (!training) return out;
    if (this.anyHnca) out.push(this.dispatch('softmax_child_credit', g?.credit, this.flat(batch * width, runs)));
    out.push(
      this.dispatch('learning_signals', g?.signals, this.flat(batch * width, runs)),
      this.dispatch('weight_gradient', g?.outGradient, [Math.ceil(actions / T), Math.ceil((width + 1) / T), runs]),
      this.dispatch('gradient_variance', g?.outVariance, [1, 1, runs]),
    );
    return out;
  }

  /** After the trunk's gradients: the trunk layers' variance, Adam on every tensor, baseline and counters. */
  private ascent(g: ConvBindGroups | undefined): Dispatch[] {
    const { runs, trunkLayers, paramsPerRun } = this.dims;
    return [
      ...Array.from({ length: trunkLayers }, (_, k) => this.dispatch('trunk_gradient_variance', g?.trunkVariance[k], [1, 1, runs], false)),
      this.dispatch('adam_ascent', g?.adam, this.flat(runs * paramsPerRun, 1)),
      this.dispatch('baseline_and_counters', g?.counters, [runs, 1, 1]),
    ];
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
      await this.trunkModule.useTrunkWebGpuBackend(this.ctx.device, this.ctx.options.gpu);
    } catch (error) {
      throw new EngineError(`WebGPU conv bandit: the trunk's TensorFlow.js WebGPU back end did not start (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`, 'unavailable');
    }
    this.trunk ??= new this.trunkModule.WebGpuTrunk(this.shape, this.ctx.device);
    return this.trunk;
  }

  /** Starts the trunk's library (TensorFlow.js's WebGPU back end) on the engine's device. @throws EngineError('unavailable') when it cannot start */
  async prepare(): Promise<void> {
    this.ctx.rt.check();
    await this.trunkOnDevice();
  }

  async beforeWork(): Promise<void> {
    await this.trunkOnDevice();
  }

  private get trunkReady(): WebGpuTrunk {
    if (!this.trunk) throw new EngineError('WebGPU conv bandit: the trunk is not on the device (beforeWork not awaited)', 'internal');
    return this.trunk;
  }

  /** Each group's first `batch` binarized images to its own buffer (the trunk's input, from byte 0). */
  private groupPixelCopies(batch: number): BufferCopy[] {
    const bytes = this.dims.capacity * this.dims.pixels * 4;
    return this.activations.groupPixels.map((to, g) => ({ from: this.activations.pixels, fromOffset: g * bytes, to, toOffset: 0, bytes: batch * this.dims.pixels * 4 }));
  }

  /** Run `r`'s trunk tensors out of the packed parameters (each to its own buffer, from byte 0). */
  private trunkTensorCopies(r: number): BufferCopy[] {
    return this.buffers.trunkTensors[r].map((to, k) => {
      const t = this.dims.tensors[k];
      return { from: this.buffers.params, fromOffset: (r * this.dims.paramsPerRun + t.offset) * 4, to, toOffset: 0, bytes: t.size * 4 };
    });
  }

  private allTrunkTensorCopies(): BufferCopy[] {
    return this.ctx.runs.flatMap((_, r) => this.trunkTensorCopies(r));
  }

  /** The trunk's forward pass of `batch` images for run `r`, its logits into the Bernoulli layer's logits of the run. */
  private trunkForward(r: number, batch: number): GpuTrunkPass {
    const { capacity, width } = this.dims;
    const pass = this.trunkReady.forward(this.activations.groupPixels[this.ctx.groupOfRun[r]], batch, this.buffers.trunkTensors[r], { buffer: this.activations.logits, offset: r * capacity * width * 4 });
    this.livePasses.add(pass);
    return pass;
  }

  private releasePass(pass: GpuTrunkPass): void {
    pass.dispose();
    this.livePasses.delete(pass);
  }

  /** One update: A (minibatch, trunk inputs), the trunks' forward passes, B (Bernoulli layer, output, signals), their backward passes, C (ascent). */
  updatePlan(batch: number): Plan {
    const { runs, capacity, width, trunkLayers, paramsPerRun } = this.dims;
    const g = this.groups;
    const passes: GpuTrunkPass[] = [];
    return {
      stages: [
        { label: 'minibatch and trunk inputs', dispatches: [this.binarize(batch, g.binarizeTrain)], copies: [...this.groupPixelCopies(batch), ...this.allTrunkTensorCopies()] },
        {
          label: 'trunk forward passes',
          host: () => {
            for (let r = 0; r < runs; r++) passes.push(this.trunkForward(r, batch));
          },
        },
        {
          label: 'Bernoulli layer and output',
          dispatches: this.afterTrunk(g, batch, true),
          copies: this.activations.runSignals.map((to, r) => ({ from: this.activations.signals, fromOffset: r * capacity * width * 4, to, toOffset: 0, bytes: batch * width * 4 })),
        },
        {
          label: 'trunk backward passes',
          host: () =>
            passes.forEach((pass, r) => {
              const grads = this.dims.tensors.slice(0, 2 * trunkLayers).map((t) => ({ buffer: this.buffers.grads, offset: (r * paramsPerRun + t.offset) * 4 }));
              pass.backward(this.activations.runSignals[r], grads, { buffer: this.buffers.trunkVariance, offset: r * trunkLayers * 4 });
            }),
        },
        { label: 'variance, Adam, counters', dispatches: this.ascent(g) },
      ],
      release: () => {
        for (const pass of passes) this.releasePass(pass);
      },
    };
  }

  /** Test accuracy of every run: the mean reward of a stochastic forward pass over the test set, binarized afresh, in chunks of up to 256 images. */
  evaluation(): EvaluationPlan {
    const { runs, capacity } = this.dims;
    const test = this.ctx.data.test;
    return {
      chunk: Math.min(EVAL_CHUNK, capacity),
      chunkPlan: (start, count) => ({
        stages: [
          { label: `test images from ${start}`, dispatches: [this.binarize(count, this.groups.binarizeTest)], copies: [...this.groupPixelCopies(count), ...(start === 0 ? this.allTrunkTensorCopies() : [])] },
          // each pass's logits are copied when it returns: its tensors can go at once
          {
            label: 'trunk forward passes',
            host: () => {
              for (let r = 0; r < runs; r++) this.releasePass(this.trunkForward(r, count));
            },
          },
          {
            label: `evaluation chunk ${start}`,
            dispatches: this.afterTrunk(this.groups, count, false),
            copies: Array.from({ length: runs }, (_, r) => ({ from: this.activations.actions, fromOffset: r * capacity * 4, to: this.buffers.evalActions, toOffset: (r * test.count + start) * 4, bytes: count * 4 })),
          },
        ],
      }),
      results: async (options) => {
        const actions = new Uint32Array(await this.ctx.rt.res.read(this.buffers.evalActions, 0, runs * test.count * 4, 'evaluation actions'));
        return scoreTestActions(actions, runs, test, options?.collectActions);
      },
    };
  }

  /** @throws EngineError('limits') for a batch whose grids exceed the device (checked before anything changes) */
  resize(batch: number): void {
    if (batch <= this.dims.capacity) return;
    this.checkGrids(batch);
    releaseConvActivationBuffers(this.ctx.rt.res, this.activations);
    this.dims.capacity = batch;
    this.writeLayerUniforms();
    this.activations = createConvActivationBuffers(this.ctx.rt.res, this.dims);
    this.groups = this.makeBindGroups();
  }

  baselines = rewardBaselines;
  restoreBaselines = restoreRewardBaselines;

  /**
   * One image (0/1 pixels [rows · cols]) through run `run`, with the CPU engine's inspection
   * streams from `seed`: the Bernoulli layer's probabilities, samples and HNCA credit, and the
   * action probabilities. The dispatches read the inspection's own run states (the runs' with
   * `seed` as their RNG seed), so training's run states are never touched; the activations are
   * scratch that every update rewrites.
   * @throws EngineError('config') for an image of the wrong size or a run not in this engine
   */
  async inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace> {
    const { rt, device, data } = this.ctx;
    if (pixels.length !== data.pixels) throw new EngineError(`inspect needs ${data.pixels} input values, got ${pixels.length}`, 'config');
    const r = this.ctx.runIndex(run);
    await this.trunkOnDevice();
    const res = rt.res;
    const { runs, capacity, width, actions } = this.dims;
    const states = this.initialRunStates.slice(0);
    const def = this.runStates[0].def;
    for (let q = 0; q < runs; q++) makeStructuredView(def, states, q * def.size).views.seed[0] = seed >>> 0;
    res.write(this.buffers.inspectRuns, new Uint8Array(states));
    res.write(this.activations.groupPixels[this.ctx.groupOfRun[r]], Float32Array.from(pixels, (p) => (p ? 1 : 0)));
    this.steps.write([
      {
        ...trainingStepValues(this.config, 0, 0, 0, data.test.count, this.samplingStreams),
        batch: 1,
        keyStep: 0,
        hiddenStream: Stream.inspectHiddenBase,
        actionStream: Stream.inspectAction,
        exampleOffset: 0,
        gather: 0,
      },
    ]);
    const input = device.createCommandEncoder({ label: 'inspection: trunk tensors' });
    for (const c of this.trunkTensorCopies(r)) input.copyBufferToBuffer(c.from, c.fromOffset, c.to, c.toOffset, c.bytes);
    rt.submit(input);
    this.releasePass(this.trunkForward(r, 1));
    const encoder = device.createCommandEncoder({ label: 'inspection' });
    const pass = encoder.beginComputePass({ label: 'inspection' });
    encodeDispatches(pass, [...this.afterTrunk(this.groups, 1, false, this.groups.inspect), this.dispatch('softmax_child_credit', this.groups.inspect.credit, this.flat(width, runs))], this.steps.offset(0));
    pass.end();
    rt.submit(encoder);
    const at = r * capacity * width * 4;
    const [probs, samples, credit, outProbs] = await Promise.all([
      res.read(this.activations.probs, at, width * 4, 'inspection probabilities'),
      res.read(this.activations.samples, at, width * 4, 'inspection samples'),
      res.read(this.activations.credit, at, width * 4, 'inspection credit'),
      res.read(this.activations.outProbs, r * capacity * actions * 4, actions * 4, 'inspection action probabilities'),
    ]);
    rt.check();
    return {
      probabilities: [new Float32Array(probs)],
      samples: [Uint8Array.from(new Float32Array(samples))],
      credit: [new Float32Array(credit)],
      actionProbabilities: new Float32Array(outProbs),
    };
  }

  /** Parameters of run `run` in the CPU engine's form (a copy; Adam moments and gradients are zero). */
  async readParameters(run: number): Promise<ConvBanditParameters> {
    const tensors = await this.ctx.readRunTensors(run);
    const p = new ConvBanditParameters(this.shape);
    p.tensors.forEach((t, k) => t.value.set(tensors[k]));
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

  /** Test access: a copy of a buffer (the activations of the last update, gradients, …). */
  async debugRead(name: 'samples' | 'probs' | 'logits' | 'actions' | 'rewards' | 'grads' | 'signals' | 'credit'): Promise<ArrayBuffer> {
    this.ctx.rt.check();
    const buffer = name === 'grads' ? this.buffers.grads : this.activations[name];
    return this.ctx.rt.res.read(buffer, 0, buffer.size, `debug ${name}`);
  }

  /** examples per run the activation buffers hold */
  get capacity(): number {
    return this.dims.capacity;
  }

  /** Releases every trunk pass still alive (their TensorFlow.js tensors). */
  dispose(): void {
    for (const pass of this.livePasses) pass.dispose();
    this.livePasses.clear();
  }
}

/** The conv bandit as a GPU program (registered in ../programs.ts). */
export const convBanditProgram: GpuProgram<ConvBanditConfig, ConvBanditProgram> = {
  task: 'conv-bandit',
  configure: configureTask('conv-bandit', 'conv bandit', validateConvBanditConfig),
  create: (context) => new ConvBanditProgram(context),
  describe: (adapter) => `${adapter}; trunk on the TensorFlow.js WebGPU back end on the same device`,
};
