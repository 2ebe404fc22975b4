// The bandit program on the GpuEngine (docs/math.md §2, §7.1): its kernels, its buffers for given
// dimensions, the plan of an update (~7 + 5·layers dispatches in one compute pass) and of an
// evaluation chunk, and its state layout [W_0, b_0, W_1, b_1, …]. The engine (../gpuEngine.ts)
// runs it; runs of one seed share minibatches.
import { banditShape, categoriesOf, initBanditParameters, BanditParameters, type BanditShape } from '../../../models/bandit/parameters.ts';
import { Stream } from '../../../rng/streams.ts';
import { validateBanditConfig } from '../../../engine/validate.ts';
import { banditEstimator } from '../../../engine/estimators.ts';
import { EngineError, type BanditConfig, type ExampleTrace, type WeightMatrix } from '../../../engine/types.ts';
import { unitMajor } from '../../../engine/weights.ts';
import { scoreTestActions } from '../testActions.ts';
import { configureTask, type EvaluationPlan, type GpuProgram, type Plan, type ProgramContext, type ProgramInstance, type RunStateBuffer } from '../program.ts';
import { initialRewardRunStates, rewardBaselines, restoreRewardBaselines } from '../rewardState.ts';
import { checkDispatches } from '../runtime/encode.ts';
import { requireStorageBuffers } from '../runtime/limits.ts';
import { uniformView } from '../runtime/pipelines.ts';
import type { UniformSlots } from '../runtime/uniformSlots.ts';
import type { StructuredView } from '../runtime/webgpuUtils.ts';
import type { StepValues } from '../stepParams.ts';
import type { TensorSlot } from '../stateTensors.ts';
import { banditDims, createActivationBuffers, createBindGroups, createStaticBuffers, releaseActivationBuffers, type ActivationBuffers, type BanditBindGroups, type BanditDims, type StaticBuffers } from './buffers.ts';
import { traceFromParameters } from './inspect.ts';
import { createKernels, type KernelSet } from './kernels.ts';
import { MAX_ACTIONS, TILE_DEPTH } from '../kernels/constants.ts';
import { BanditPlanner } from './plan.ts';

/** examples per evaluation chunk (the activation capacity is at least this) */
const EVAL_CHUNK = 256;
/** StepParams slots (updates or evaluation chunks) per submission */
const STEP_SLOTS = 128;

/**
 * The contextual bandit's program (docs/math.md §2): Bernoulli or categorical hidden units
 * (§7.1); parameters per run [W_0, b_0, W_1, b_1, …] (buffers.ts). Reads the options `tile`
 * and `denseCategoricalGradients` (default false: categorical_input_gradient).
 */
export class BanditProgram implements ProgramInstance {
  readonly samplingStreams = { hidden: Stream.hiddenBase, action: Stream.action };
  readonly failure = 'non-finite gradient';
  readonly buffers: StaticBuffers;
  readonly runStates: RunStateBuffer[];
  readonly varianceLayers: number;
  readonly stateLayout: TensorSlot[];
  readonly paramsPerRun: number;
  private readonly config: BanditConfig;
  private readonly shape: BanditShape;
  private readonly dims: BanditDims;
  private readonly kernels: KernelSet;
  private readonly planner: BanditPlanner;
  private readonly steps: UniformSlots<StepValues>;
  private readonly layerView: StructuredView;
  private readonly layerUniforms: GPUBuffer[];
  private readonly oneHotGradients: boolean;
  private activations: ActivationBuffers;
  private groups: BanditBindGroups;
  private update: Plan;

  /**
   * Plans (and checks against the device limits) before allocating.
   * @throws EngineError('config') for more than 64 actions, EngineError('limits') for a
   * configuration too large for the device (a buffer, a kernel's workgroup, a dispatch grid)
   */
  constructor(private readonly ctx: ProgramContext<BanditConfig>) {
    const { rt, config, data, runs } = ctx;
    this.config = config;
    this.oneHotGradients = !(ctx.options.denseCategoricalGradients ?? false);
    this.shape = banditShape(data.pixels, config.hidden, config.width, data.classes, config.hiddenValues, config.units, config.categories);
    this.dims = banditDims(runs.length, ctx.seeds.length, this.shape.sizes, Math.max(config.batch, EVAL_CHUNK), categoriesOf(this.shape));
    this.paramsPerRun = this.dims.paramsPerRun;
    this.varianceLayers = this.shape.sizes.length - 1;
    this.stateLayout = this.shape.sizes.slice(1).flatMap((units, k) => [
      { name: `W${k}`, shape: [this.shape.sizes[k], units] },
      { name: `b${k}`, shape: [units] },
    ]);
    if (data.classes > MAX_ACTIONS) throw new EngineError(`WebGPU engine: at most ${MAX_ACTIONS} actions, the dataset has ${data.classes} classes`, 'config');
    this.checkBufferSizes();
    this.kernels = createKernels(rt, ctx.tile, TILE_DEPTH, this.dims.categories > 0);
    const anyHnca = runs.some((r) => banditEstimator(r.estimator).signal === 'hnca');
    this.planner = new BanditPlanner(ctx.device, this.kernels, this.dims, ctx.tile, anyHnca, this.oneHotGradients);
    this.checkGrids(this.dims.capacity);

    const res = rt.res;
    const stepKernel = this.kernels.adam_ascent;
    this.steps = ctx.stepSlots(uniformView(stepKernel, 'step'), STEP_SLOTS);
    this.layerView = uniformView(stepKernel, 'layer');
    this.layerUniforms = this.shape.sizes.slice(0, -1).map((_, k) => res.buffer(`layer ${k} uniform`, this.layerView.arrayBuffer.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST));
    this.writeLayerUniforms();
    const runStateDef = stepKernel.defs.structs.RunState;
    const params = new Float32Array(runs.length * this.dims.paramsPerRun);
    runs.forEach((run, r) => this.packParameters(initBanditParameters(this.shape, run.seed), params, r));
    this.buffers = createStaticBuffers(res, this.dims, data, initialRewardRunStates(runStateDef, runs, ctx.groupOfRun), Uint32Array.from(ctx.seeds), params);
    this.runStates = [{ buffer: this.buffers.runs, def: runStateDef }];
    this.activations = createActivationBuffers(res, this.dims);
    this.groups = this.makeBindGroups();
    this.update = this.planUpdate(config.batch);
  }

  /**
   * Every dispatch grid of an update and an evaluation chunk of up to `batch` examples against
   * the device (grids grow with the batch, so the capacity covers every smaller batch).
   * @throws EngineError('limits') naming the kernel, the grid dimension and the value
   */
  private checkGrids(batch: number): void {
    checkDispatches(this.ctx.rt, [...this.planner.forward(undefined, batch, undefined), ...this.planner.backward(undefined, batch)], `a batch of ${batch}`);
  }

  /** The largest buffers against the device limits, before anything is allocated. */
  private checkBufferSizes(): void {
    const { runs, groups, sizes, capacity, paramsPerRun } = this.dims;
    const { data } = this.ctx;
    const widest = Math.max(...sizes.slice(1));
    requireStorageBuffers(this.ctx.device, [
      [`parameters of ${runs} runs`, runs * paramsPerRun * 4],
      ['minibatch pixels', groups * capacity * sizes[0] * 4],
      [`the widest layer's activations of ${runs} runs`, runs * capacity * widest * 4],
      ['the training images', data.train.images.byteLength],
      ['the epoch permutations', groups * data.train.count * 4],
      ['the evaluation actions', runs * data.test.count * 4],
    ]);
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
        runs: this.dims.runs,
        layers: sizes.length - 1,
        metricStride,
        categories,
      });
      this.ctx.device.queue.writeBuffer(this.layerUniforms[k], 0, this.layerView.arrayBuffer);
    }
  }

  private makeBindGroups(): BanditBindGroups {
    return createBindGroups(this.ctx.rt, this.kernels, this.dims, this.buffers, this.activations, this.layerUniforms, this.steps.binding, this.oneHotGradients);
  }

  private planUpdate(batch: number): Plan {
    const g = this.groups;
    return { stages: [{ label: 'bandit update', dispatches: [...this.planner.forward(g, batch, g.binarizeTrain), ...this.planner.backward(g, batch)] }] };
  }

  updatePlan(): Plan {
    return this.update;
  }

  evaluation(): EvaluationPlan {
    const { runs, capacity } = this.dims;
    const test = this.ctx.data.test;
    return {
      chunk: Math.min(EVAL_CHUNK, capacity),
      chunkPlan: (start, count) => ({
        stages: [
          {
            label: `evaluation chunk ${start}`,
            dispatches: this.planner.forward(this.groups, count, this.groups.binarizeTest),
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
    if (batch > this.dims.capacity) {
      this.checkGrids(batch);
      releaseActivationBuffers(this.ctx.rt.res, this.activations);
      this.dims.capacity = batch;
      this.writeLayerUniforms();
      this.activations = createActivationBuffers(this.ctx.rt.res, this.dims);
      this.groups = this.makeBindGroups();
    }
    this.update = this.planUpdate(batch);
  }

  baselines = rewardBaselines;
  restoreBaselines = restoreRewardBaselines;

  /** Parameters of run `run` in the CPU engine's form (a copy). @throws EngineError('config') for a run not in this engine */
  async readParameters(run: number): Promise<BanditParameters> {
    const tensors = await this.ctx.readRunTensors(run);
    const p = new BanditParameters(this.shape);
    for (let k = 0; k < p.layerCount; k++) {
      p.weights[k].value.set(tensors[2 * k]);
      p.biases[k].value.set(tensors[2 * k + 1]);
    }
    return p;
  }

  async inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace> {
    const params = await this.readParameters(run);
    return traceFromParameters(params, banditEstimator(this.ctx.runs[this.ctx.runIndex(run)].estimator).id, pixels, seed);
  }

  async readWeights(run: number, layer: number): Promise<WeightMatrix> {
    const { sizes } = this.dims;
    if (!Number.isInteger(layer) || layer < 0 || layer >= sizes.length - 1) throw new EngineError(`layer must be in 0..${sizes.length - 2}, got ${layer}`, 'config');
    const params = await this.readParameters(run);
    return unitMajor(params.weights[layer].value, sizes[layer], sizes[layer + 1]);
  }

  /** Test access: a copy of any buffer (activations of the last forward pass, grads, …; per-layer ones at `layer`). */
  async debugRead(name: keyof StaticBuffers | keyof ActivationBuffers, layer = 0): Promise<ArrayBuffer> {
    this.ctx.rt.check();
    const source = (name in this.buffers ? this.buffers[name as keyof StaticBuffers] : this.activations[name as keyof ActivationBuffers]) as GPUBuffer | GPUBuffer[];
    const buffer = Array.isArray(source) ? source[layer] : source;
    return this.ctx.rt.res.read(buffer, 0, buffer.size, `debug ${name}`);
  }

  /** examples per run the activation buffers hold */
  get capacity(): number {
    return this.dims.capacity;
  }
}

/** The bandit as a GPU program (registered in ../programs.ts). */
export const banditProgram: GpuProgram<BanditConfig, BanditProgram> = {
  task: 'bandit',
  configure: configureTask('bandit', 'bandit', validateBanditConfig),
  create: (context) => new BanditProgram(context),
};
