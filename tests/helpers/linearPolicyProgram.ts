// A stand-in for the next model (issue 22's proof): a linear softmax policy on binarized pixels,
// trained on the contextual bandit's reward by REINFORCE with or without the running-mean
// baseline (docs/math.md §2 with no hidden layer, which the CPU engine does not offer). It is
// nothing but a program on the one GpuEngine: kernels from the bandit's catalog, its buffers,
// the plans of an update and of an evaluation chunk, and its state layout [W0, b0].
import { createKernels, type KernelSet } from '../../src/backends/webgpu/bandit/kernels.ts';
import { configOfTask, type Dispatch, type EvaluationPlan, type GpuProgram, type Plan, type ProgramContext, type ProgramInstance, type RunStateBuffer } from '../../src/backends/webgpu/program.ts';
import { bindBinarizeGroups, bindSoftmaxActionReward, bindUpdateEnd, createRewardBatchBuffers, createRewardStaticBuffers, rewardBatchBufferList, type RewardBatchBuffers, type RewardStaticBuffers } from '../../src/backends/webgpu/rewardBuffers.ts';
import { initialRewardRunStates, restoreRewardBaselines, rewardBaselines } from '../../src/backends/webgpu/rewardState.ts';
import { checkDispatches } from '../../src/backends/webgpu/runtime/encode.ts';
import { LINEAR_WORKGROUP_SIZE } from '../../src/backends/webgpu/kernels/constants.ts';
import { foldedGrid, type Grid } from '../../src/backends/webgpu/runtime/limits.ts';
import { uniformView } from '../../src/backends/webgpu/runtime/pipelines.ts';
import type { UniformSlots } from '../../src/backends/webgpu/runtime/uniformSlots.ts';
import type { StepValues } from '../../src/backends/webgpu/stepParams.ts';
import type { TensorSlot } from '../../src/backends/webgpu/stateTensors.ts';
import { scoreTestActions } from '../../src/backends/webgpu/testActions.ts';
import { banditEstimator } from '../../src/engine/estimators.ts';
import { EngineError, type BanditConfig, type ExampleTrace, type WeightMatrix } from '../../src/engine/types.ts';
import { unitMajor } from '../../src/engine/weights.ts';
import { Stream } from '../../src/rng/streams.ts';

const EVAL_CHUNK = 64;

/** The bind groups of one update (and of the evaluation's forward pass). */
interface Groups {
  binarizeTrain: GPUBindGroup;
  binarizeTest: GPUBindGroup;
  logits: GPUBindGroup;
  softmax: GPUBindGroup;
  gradient: GPUBindGroup;
  variance: GPUBindGroup;
  adam: GPUBindGroup;
  counters: GPUBindGroup;
}

/** A linear softmax policy: logits = x·W0 + b0 ([batch, actions]), an action drawn from their softmax, reward 1 for the label. */
export class LinearPolicyProgram implements ProgramInstance {
  readonly samplingStreams = { hidden: Stream.hiddenBase, action: Stream.action };
  readonly failure = 'non-finite gradient';
  readonly varianceLayers = 1;
  readonly buffers: RewardStaticBuffers;
  readonly runStates: RunStateBuffer[];
  readonly stateLayout: TensorSlot[];
  readonly paramsPerRun: number;
  /** examples per run the batch buffers hold */
  capacity: number;
  baselines = rewardBaselines;
  restoreBaselines = restoreRewardBaselines;
  private readonly kernels: KernelSet;
  private readonly steps: UniformSlots<StepValues>;
  private readonly layer: GPUBuffer;
  private readonly layerValues: Record<string, number>;
  private batchBuffers: RewardBatchBuffers;
  private groups: Groups;

  constructor(private readonly ctx: ProgramContext<BanditConfig>) {
    const { rt, data, runs, config } = ctx;
    const [pixels, actions] = [data.pixels, data.classes];
    this.paramsPerRun = (pixels + 1) * actions;
    this.stateLayout = [
      { name: 'W0', shape: [pixels, actions] },
      { name: 'b0', shape: [actions] },
    ];
    this.capacity = Math.max(config.batch, EVAL_CHUNK);
    this.kernels = createKernels(rt, ctx.tile);
    this.checkGrids(this.capacity);
    this.steps = ctx.stepSlots(uniformView(this.kernels.adam_ascent, 'step'), 16);
    const layerView = uniformView(this.kernels.adam_ascent, 'layer');
    this.layer = rt.res.buffer('layer uniform', layerView.arrayBuffer.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.layerValues = { layer: 0, inWidth: pixels, outWidth: actions, paramOffset: 0, paramsPerRun: this.paramsPerRun, inputIsPixels: 1, centered: 0, flipMagnitude: 1, runs: runs.length, layers: 1, metricStride: 5, categories: 0 };
    this.writeLayer();
    const runState = this.kernels.adam_ascent.defs.structs.RunState;
    // small deterministic initial weights: run r's seed in every entry's pattern
    const params = Float32Array.from({ length: runs.length * this.paramsPerRun }, (_, i) => 0.01 * Math.sin(i + 7 * runs[Math.floor(i / this.paramsPerRun)].seed));
    const dims = { runs: runs.length, groups: ctx.seeds.length, paramsPerRun: this.paramsPerRun, metricStride: 5 };
    this.buffers = createRewardStaticBuffers(rt.res, dims, [pixels], [actions], data, initialRewardRunStates(runState, runs, ctx.groupOfRun), Uint32Array.from(ctx.seeds), params);
    this.runStates = [{ buffer: this.buffers.runs, def: runState }];
    this.batchBuffers = this.createBatchBuffers();
    this.groups = this.bindGroups();
  }

  private writeLayer(): void {
    const view = uniformView(this.kernels.adam_ascent, 'layer');
    view.set({ ...this.layerValues, capacity: this.capacity });
    this.ctx.device.queue.writeBuffer(this.layer, 0, view.arrayBuffer);
  }

  private createBatchBuffers(): RewardBatchBuffers {
    const { runs, seeds, data } = this.ctx;
    return createRewardBatchBuffers(this.ctx.rt.res, { runs: runs.length, groups: seeds.length, capacity: this.capacity, pixels: data.pixels, actions: data.classes });
  }

  private bindGroups(): Groups {
    const { rt } = this.ctx;
    const [k, s, a, layer, step] = [this.kernels, this.buffers, this.batchBuffers, this.layer, this.steps.binding];
    const gradient = { layer, step, runs: s.runs, inputs: a.pixels, signals: a.outSignals, grads: s.grads };
    return {
      ...bindBinarizeGroups(rt, k.binarize_minibatch, layer, step, s, a),
      logits: rt.bind(k.affine_logits, 'logits', { layer, step, runs: s.runs, params: s.params, inputs: a.pixels, logits: a.outLogits }),
      softmax: bindSoftmaxActionReward(rt, k.softmax_action_reward, 'softmax', layer, step, s.runs, a),
      gradient: rt.bind(k.weight_gradient, 'gradient', gradient),
      variance: rt.bind(k.gradient_variance, 'variance', { ...gradient, variance: s.variance }),
      ...bindUpdateEnd(rt, k, layer, step, s, a),
    };
  }

  /** The forward pass of `batch` examples; with `g` undefined, a plan for checking grids only. */
  private forward(g: Groups | undefined, batch: number, binarize: GPUBindGroup | undefined): Dispatch[] {
    const { data, runs, seeds, tile } = this.ctx;
    const k = this.kernels;
    const z = runs.length;
    return [
      { kernel: k.binarize_minibatch, group: binarize, grid: [Math.ceil(data.pixels / LINEAR_WORKGROUP_SIZE), batch, seeds.length] },
      { kernel: k.affine_logits, group: g?.logits, grid: [Math.ceil(data.classes / tile), Math.ceil(batch / tile), z] },
      { kernel: k.softmax_action_reward, group: g?.softmax, grid: [Math.ceil(batch / LINEAR_WORKGROUP_SIZE), 1, z] },
    ];
  }

  private backward(g: Groups | undefined): Dispatch[] {
    const { data, runs, tile } = this.ctx;
    const k = this.kernels;
    const z = runs.length;
    const adam: Grid = foldedGrid(this.ctx.device, Math.ceil((z * this.paramsPerRun) / LINEAR_WORKGROUP_SIZE), 1);
    return [
      { kernel: k.weight_gradient, group: g?.gradient, grid: [Math.ceil(data.classes / tile), Math.ceil((data.pixels + 1) / tile), z] },
      { kernel: k.gradient_variance, group: g?.variance, grid: [1, 1, z] },
      { kernel: k.adam_ascent, group: g?.adam, grid: adam },
      { kernel: k.baseline_and_counters, group: g?.counters, grid: [z, 1, 1] },
    ];
  }

  private checkGrids(batch: number): void {
    checkDispatches(this.ctx.rt, [...this.forward(undefined, batch, undefined), ...this.backward(undefined)], `a batch of ${batch}`);
  }

  updatePlan(batch: number): Plan {
    return { stages: [{ label: 'linear policy update', dispatches: [...this.forward(this.groups, batch, this.groups.binarizeTrain), ...this.backward(this.groups)] }] };
  }

  evaluation(): EvaluationPlan {
    const { runs, data } = this.ctx;
    const test = data.test;
    return {
      chunk: EVAL_CHUNK,
      chunkPlan: (start, count) => ({
        stages: [
          {
            label: `evaluation from ${start}`,
            dispatches: this.forward(this.groups, count, this.groups.binarizeTest),
            copies: runs.map((_, r) => ({ from: this.batchBuffers.actions, fromOffset: r * this.capacity * 4, to: this.buffers.evalActions, toOffset: (r * test.count + start) * 4, bytes: count * 4 })),
          },
        ],
      }),
      results: async (options) => scoreTestActions(new Uint32Array(await this.ctx.rt.res.read(this.buffers.evalActions, 0, runs.length * test.count * 4, 'actions')), runs.length, test, options?.collectActions),
    };
  }

  resize(batch: number): void {
    if (batch <= this.capacity) return;
    this.checkGrids(batch);
    for (const b of rewardBatchBufferList(this.batchBuffers)) this.ctx.rt.res.release(b);
    this.capacity = batch;
    this.writeLayer();
    this.batchBuffers = this.createBatchBuffers();
    this.groups = this.bindGroups();
  }

  async readWeights(run: number, layer: number): Promise<WeightMatrix> {
    if (layer !== 0) throw new EngineError(`layer must be 0, got ${layer}`, 'config');
    const [w] = await this.ctx.readRunTensors(run);
    return unitMajor(w, this.ctx.data.pixels, this.ctx.data.classes);
  }

  /** The action probabilities of one image, computed on the host from the read-back weights. */
  async inspect(run: number, pixels: Uint8Array): Promise<ExampleTrace> {
    const [w, b] = await this.ctx.readRunTensors(run);
    const actions = this.ctx.data.classes;
    const logits = Array.from({ length: actions }, (_, a) => b[a] + pixels.reduce((sum, x, j) => sum + (x ? w[j * actions + a] : 0), 0));
    const top = Math.max(...logits);
    const total = logits.reduce((sum, l) => sum + Math.exp(l - top), 0);
    return { probabilities: [], samples: [], credit: [], actionProbabilities: Float32Array.from(logits, (l) => Math.exp(l - top) / total) };
  }
}

/** The stand-in as a GPU program: the bandit's configuration with `hidden: 0` (no hidden layer), REINFORCE estimators only. */
export const linearPolicyProgram: GpuProgram<BanditConfig, LinearPolicyProgram> = {
  task: 'bandit',
  configure(config) {
    const bandit = configOfTask(config, 'bandit', 'linear policy');
    if (bandit.hidden !== 0) throw new EngineError(`the linear policy has no hidden layer: hidden must be 0, got ${bandit.hidden}`, 'config');
    if (bandit.estimators.some((e) => banditEstimator(e).signal === 'hnca')) throw new EngineError('the linear policy has no hidden units to give HNCA credit to', 'config');
    return bandit;
  },
  create: (context) => new LinearPolicyProgram(context),
};
