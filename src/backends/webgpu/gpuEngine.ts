// The one WebGPU engine (issue 22): it knows no model. It owns what every program shares — runs
// and seed groups, the tile, the StepParams uniform slots, the update loop, the metric window
// and submission, evaluation in chunks, batch changes, hyperparameters, state export and import,
// dispose — and runs a program's plans (program.ts) on its runtime (runtime/). Every run
// advances in the same dispatches (the run is the z dimension of every grid); runs of one seed
// share minibatches. Nothing is read back in the update loop but the periodic metric window.
import type { Dataset } from '../../data/dataset.ts';
import type { MinibatchStream } from '../../data/minibatch.ts';
import { Stream } from '../../rng/streams.ts';
import { checkStateFits, type CheckpointableEngine, type EngineState, type RunState } from '../../engine/state.ts';
import {
  EngineError,
  evaluationKey,
  expandRuns,
  type EngineConfig,
  type EngineFactoryInput,
  type EngineInfo,
  type EvaluateOptions,
  type EvaluationResult,
  type ExampleTrace,
  type RunCounters,
  type RunSpec,
  type VaeViews,
  type WeightMatrix,
} from '../../engine/types.ts';
import { validateHyperparameterChange } from '../../engine/validate.ts';
import { advanceStreams, seedGroups, startsEpoch } from './minibatchStreams.ts';
import { runIndexOf, type Dispatch, type GpuProgram, type GpuProgramOptions, type Plan, type ProgramContext, type ProgramInstance, type RunStateViews } from './program.ts';
import { RunCounterWindow } from './runCounters.ts';
import { encodeDispatches } from './runtime/encode.ts';
import { requireLimit } from './runtime/limits.ts';
import type { GpuRuntime } from './runtime/runtime.ts';
import { UniformSlots } from './runtime/uniformSlots.ts';
import { makeStructuredView } from './runtime/webgpuUtils.ts';
import { datasetSizes, packRunTensors, sizeOf, readParameterBuffers, restoreFailureFlags, runTensorsFromBuffers, savedStreamPositions, stateHeader, writeTrainingState } from './stateTensors.ts';
import { trainingStepValues, type StepValues } from './stepParams.ts';

/** read the metric window back every this many updates unless told (f32 sums stay exact enough) */
const FLUSH_EVERY = 50;

/**
 * A TrainingEngine on WebGPU running program `P` (docs/math.md §1). `program` is the model's
 * own part: its buffers, plans and test access (debugRead and the like).
 */
export class GpuEngine<C extends EngineConfig = EngineConfig, P extends ProgramInstance = ProgramInstance> implements CheckpointableEngine {
  readonly info: EngineInfo;
  readonly config: C;
  readonly runs: RunSpec[];
  readonly device: GPUDevice;
  /** the model's part */
  readonly program: P;
  updatesDone = 0;
  private evaluations = 0;
  private readonly data: Dataset;
  private readonly streams: MinibatchStream[];
  private readonly counters: RunCounterWindow;
  private slots: UniformSlots<StepValues> | null = null;
  /** reconstructions and prior samples, where the program has them (engine/types.ts hasVaeViews) */
  readonly viewVae?: (run: number, images: readonly Uint8Array[], samples: number, seed: number) => Promise<VaeViews>;

  /**
   * Builds the program inside the runtime's set-up scopes; the factory (index.ts) awaits
   * runtime.ready() and the program's prepare().
   * @throws EngineError('config') for an invalid configuration, EngineError('limits') for one
   * too large for the device (a buffer, a kernel's workgroup, a dispatch grid)
   */
  constructor(
    private readonly rt: GpuRuntime,
    model: GpuProgram<C, P>,
    input: EngineFactoryInput,
    options: GpuProgramOptions = {},
  ) {
    const data = input.data;
    this.data = data;
    const checked = model.configure(input.config, data);
    this.config = { ...checked, estimators: [...checked.estimators], seeds: [...checked.seeds] };
    this.device = rt.device;
    this.info = { backend: 'webgpu', description: model.describe ? model.describe(rt.description) : rt.description };
    this.runs = expandRuns(this.config);
    const { seeds, groupOfRun, streams } = seedGroups(this.runs, data.train.count);
    this.streams = streams;
    requireLimit(this.device, 'maxComputeWorkgroupsPerDimension', this.runs.length, `${this.runs.length} runs`);
    const context: ProgramContext<C> = {
      rt,
      device: rt.device,
      config: this.config,
      data,
      runs: this.runs,
      seeds,
      groupOfRun,
      streams,
      tile: options.tile ?? rt.defaultTile,
      options,
      stepSlots: (view, slots) => {
        if (this.slots) throw new EngineError(`WebGPU ${model.task} program: stepSlots called twice`, 'internal');
        return (this.slots = new UniformSlots(rt.res, 'step uniform slots', view, slots));
      },
      readRunTensors: (run) => this.readRunTensors(run),
      runIndex: (run) => runIndexOf(this.runs, run),
    };
    rt.beginSetup();
    try {
      this.program = model.create(context);
      const p = this.program;
      if (!this.slots) throw new EngineError(`WebGPU ${model.task} program made no step uniform slots`, 'internal');
      checkProgramLayout(model.task, p, this.runs.length);
      this.streams.forEach((s, g) => rt.res.write(p.buffers.permutation, s.permutation, g * data.train.count * 4));
      this.counters = new RunCounterWindow(rt, {
        runs: this.runs.length,
        layers: p.varianceLayers,
        runState: p.runStates[0].def,
        metrics: p.buffers.metrics,
        runStates: p.runStates[0].buffer,
        failure: p.failure,
        flushEvery: options.flushEvery ?? FLUSH_EVERY,
      });
      rt.endSetup(true);
    } catch (error) {
      rt.endSetup(false);
      throw error;
    }
    if (this.program.viewVae) this.viewVae = this.program.viewVae.bind(this.program);
  }

  get updatesPerEpoch(): number {
    return Math.floor(this.data.train.count / this.config.batch);
  }

  /** @throws the runtime's error (runtime.ts check) or a failed metric readback as EngineError('internal') */
  private check(): void {
    this.counters.check();
  }

  private get steps(): UniformSlots<StepValues> {
    if (!this.slots) throw new EngineError('WebGPU engine: no step uniform slots', 'internal');
    return this.slots;
  }

  /**
   * Encodes `plans` (plan i reads StepParams slot i) and submits them: consecutive dispatches
   * share a compute pass, copies close it, a host stage submits what is encoded before it runs.
   * `finish` submits the last command encoder (the update loop's adds the metric copy). Every
   * plan's release() runs afterwards, also when encoding fails.
   */
  private async runPlans(plans: readonly Plan[], label: string, finish: (encoder: GPUCommandEncoder) => void): Promise<void> {
    let encoder = this.device.createCommandEncoder({ label });
    let pass: GPUComputePassEncoder | null = null;
    const endPass = (): void => {
      pass?.end();
      pass = null;
    };
    try {
      for (let slot = 0; slot < plans.length; slot++) {
        for (const stage of plans[slot].stages) {
          if ('host' in stage) {
            endPass();
            this.rt.submit(encoder);
            await stage.host();
            encoder = this.device.createCommandEncoder({ label: `${label}: after ${stage.label}` });
            continue;
          }
          pass ??= encoder.beginComputePass({ label: stage.label });
          encodeDispatches(pass, stage.dispatches, this.steps.offset(slot));
          if (stage.copies?.length) {
            endPass();
            for (const c of stage.copies) encoder.copyBufferToBuffer(c.from, c.fromOffset, c.to, c.toOffset, c.bytes);
          }
        }
      }
      endPass();
      finish(encoder);
    } finally {
      for (const plan of plans) plan.release?.();
    }
  }

  /**
   * Encodes and submits n updates (up to the step slots per submission, split at epoch
   * boundaries so that the next permutation is uploaded between submissions) and resolves when
   * the GPU has done them, so callers' timings are honest. Nothing is read back here: metrics
   * are copied every `flushEvery` updates and mapped asynchronously (runtime/metricsReader.ts).
   * @throws as check(); what the program's host stages throw
   */
  async step(n: number): Promise<void> {
    this.check();
    await this.program.beforeWork?.();
    const count = this.data.train.count;
    let left = n;
    while (left > 0) {
      const batch = this.config.batch;
      const values: StepValues[] = [];
      while (values.length < this.steps.slots && left > 0) {
        if (startsEpoch(this.streams, batch) && values.length > 0) break;
        const { epoch, cursor } = advanceStreams(this.rt.res, this.streams, this.program.buffers.permutation, batch, count);
        values.push(trainingStepValues(this.config, this.updatesDone + values.length, cursor, epoch, count, this.program.samplingStreams));
        left -= 1;
      }
      this.steps.write(values);
      const first = this.updatesDone;
      this.checkCapacity(batch, 'a batch');
      const plans = values.map(() => this.program.updatePlan(batch));
      await this.runPlans(plans, `updates ${first}..${first + values.length - 1}`, (encoder) => {
        this.updatesDone += values.length;
        this.counters.submitUpdates(encoder, values.length);
      });
    }
    await this.rt.idle();
    this.check();
  }

  /** Every run's counters up to date (a metric flush; RunCounterWindow.read). */
  async readCounters(): Promise<RunCounters[]> {
    return this.counters.read('metrics flush');
  }

  /**
   * Every run's result on the test set (evaluation key `options.evaluation` or the next): the
   * program's chunks of test examples, binarized afresh and sampled with the evaluation streams
   * (src/rng/streams.ts), up to the slots per submission at a time; `onProgress` after each
   * submission (test examples done of the total).
   * @throws as check()
   */
  async evaluate(options?: EvaluateOptions): Promise<EvaluationResult[]> {
    this.check();
    await this.program.beforeWork?.();
    const e = evaluationKey(options, this.evaluations++);
    const plan = this.program.evaluation();
    if ('evaluate' in plan) {
      const results = await plan.evaluate(e, options);
      this.check();
      return results;
    }
    const test = this.data.test;
    this.checkCapacity(plan.chunk, 'an evaluation chunk');
    const starts: number[] = [];
    for (let s = 0; s < test.count; s += plan.chunk) starts.push(s);
    for (let first = 0; first < starts.length; first += this.steps.slots) {
      const part = starts.slice(first, first + this.steps.slots);
      const counts = part.map((start) => Math.min(plan.chunk, test.count - start));
      this.steps.write(part.map((start, i) => this.evaluationStepValues(e, start, counts[i])));
      await this.runPlans(
        part.map((start, i) => plan.chunkPlan(start, counts[i])),
        `evaluation ${e} from example ${part[0]}`,
        (encoder) => this.rt.submit(encoder),
      );
      if (options?.onProgress) {
        await this.rt.idle();
        await options.onProgress(part[part.length - 1] + counts[counts.length - 1], test.count);
      }
    }
    const results = await plan.results(options);
    this.check();
    return results;
  }

  /** @throws EngineError('internal') when a plan of `examples` would overrun the program's batch-sized buffers */
  private checkCapacity(examples: number, what: string): void {
    if (!(Number.isInteger(examples) && examples >= 1 && examples <= this.program.capacity)) {
      throw new EngineError(`WebGPU engine: ${what} of ${examples} examples does not fit the program's buffers (capacity ${this.program.capacity})`, 'internal');
    }
  }

  /** StepParams of evaluation chunk [start, start + count): evaluation e's keys, binarization and sampling streams, examples read in order. */
  private evaluationStepValues(e: number, start: number, count: number): StepValues {
    return {
      ...trainingStepValues(this.config, this.updatesDone, 0, 0, this.data.test.count, this.program.samplingStreams),
      batch: count,
      keyStep: e,
      hiddenStream: Stream.evalHiddenBase,
      actionStream: Stream.evalAction,
      exampleOffset: start,
      gather: 0,
      binarizeStep: e,
      binarizeStream: Stream.binarizeTest,
    };
  }

  /**
   * Changes the learning rate and the batch size (the program's buffers and plans follow; they
   * grow past the capacity).
   * @throws EngineError('config') for invalid values, EngineError('limits') for a batch whose
   * buffers or grids exceed the device (nothing changes then)
   */
  setHyperparameters(change: { lr?: number; batch?: number }): void {
    this.check();
    validateHyperparameterChange(change, this.data.train.count);
    if (change.batch !== undefined && change.batch !== this.config.batch) {
      this.program.resize(change.batch);
      this.config.batch = change.batch;
    }
    if (change.lr !== undefined) this.config.lr = change.lr;
  }

  /** Run `run`'s tensors (the program's stateLayout, copies), read back once. @throws EngineError('config') for a run not in this engine */
  async readRunTensors(run: number): Promise<Float32Array[]> {
    this.check();
    const r = runIndexOf(this.runs, run);
    const per = this.program.paramsPerRun;
    const flat = new Float32Array(await this.rt.res.read(this.program.buffers.params, r * per * 4, per * 4, `parameters of run ${run}`));
    this.check();
    const out: Float32Array[] = [];
    let at = 0;
    for (const t of this.program.stateLayout) {
      const n = sizeOf(t.shape);
      out.push(flat.slice(at, at + n));
      at += n;
    }
    return out;
  }

  inspect(run: number, pixels: Uint8Array, seed: number): Promise<ExampleTrace> {
    this.check();
    return this.program.inspect(run, pixels, seed);
  }

  readWeights(run: number, layer: number): Promise<WeightMatrix> {
    this.check();
    return this.program.readWeights(run, layer);
  }

  /** Each run's state structs (`buffers`, read back) as typed views. */
  private runStateViews(bytes: readonly ArrayBuffer[], r: number): RunStateViews {
    return this.program.runStates.map((s, i) => makeStructuredView(s.def, bytes[i], r * s.def.size).views as Record<string, Uint32Array | Float32Array>);
  }

  private readRunStates(purpose: string): Promise<ArrayBuffer[]> {
    return Promise.all(this.program.runStates.map((s, i) => this.rt.res.read(s.buffer, 0, this.runs.length * s.def.size, `run states ${i} (${purpose})`)));
  }

  /**
   * The whole training state (src/engine/state.ts), the CPU engine's format: counters brought up
   * to date first (a metric flush), then parameters, Adam moments and run states read back once.
   * @throws as check() when the device or a readback failed
   */
  async exportState(): Promise<EngineState> {
    const counters = await this.readCounters();
    const p = this.program;
    const per = p.paramsPerRun;
    const [parameters, runStates] = await Promise.all([readParameterBuffers(this.rt.res, p.buffers, this.runs.length * per * 4), this.readRunStates('state export')]);
    this.check();
    return {
      ...stateHeader(this.config, this.data, this.updatesDone, this.evaluations, this.streams),
      runs: this.runs.map(
        (spec, r): RunState => ({
          index: spec.index,
          estimator: spec.estimator,
          seed: spec.seed,
          counters: counters[r],
          baselines: p.baselines(this.runStateViews(runStates, r)),
          optimizerSteps: p.optimizerSteps ? p.optimizerSteps(counters[r], this.updatesDone) : this.updatesDone,
          tensors: runTensorsFromBuffers(parameters, [...p.stateLayout], r, per),
        }),
      ),
    };
  }

  /**
   * Restores a state exported by any back end for the same model, runs and data: checks it
   * (same model, runs, data; every tensor's name and shape; every stream's position), then
   * empties the metric window and writes the saved parameters, Adam moments, baselines, failure
   * flags, counters, stream positions and the update and evaluation counts; the saved learning
   * rate and batch size apply. Resolves when the GPU has them. A CPU engine's float64
   * baselines become float32 here.
   * @throws EngineStateError naming `source` and the first thing that does not fit (nothing
   * changes then); as check() when the device failed
   */
  async importState(state: EngineState, source: string): Promise<void> {
    const p = this.program;
    const res = this.rt.res;
    checkStateFits(state, this.config, datasetSizes(this.data), this.runs, source);
    const packed = packRunTensors(state, this.runs, [...p.stateLayout], p.paramsPerRun, source);
    const positions = savedStreamPositions(state, this.streams, this.data.train.count, source);
    // everything checked: empty the metric window, then apply
    await this.readCounters();
    this.setHyperparameters({ lr: state.config.lr, batch: state.config.batch });
    const runStates = await this.readRunStates('state import');
    packed.saved.forEach((run, r) => {
      const views = this.runStateViews(runStates, r);
      p.restoreBaselines(views, run.baselines);
      restoreFailureFlags(views[0], run.counters);
      this.counters.restore(r, run.counters);
    });
    p.runStates.forEach((s, i) => res.write(s.buffer, new Uint8Array(runStates[i])));
    writeTrainingState(res, p.buffers, packed, this.streams, positions, this.data.train.count);
    this.updatesDone = state.updatesDone;
    this.evaluations = state.evaluations;
    await this.rt.idle();
    this.check();
  }

  /**
   * Bench access (bench/categoricalWebgpu.ts): the kernels of one training update of the current
   * batch, in encoding order (index i is dispatch i of {@link runDispatch}).
   */
  updateDispatches(): string[] {
    return this.plannedDispatches().map((d) => d.kernel.name);
  }

  /**
   * Bench access: encodes dispatch `index` of one training update (the kernel, bind group and
   * grid {@link step} would use, reading the slot of update `updatesDone`) `repeats` times alone
   * in one compute pass, submits it and resolves when the GPU is idle, so a caller can time one
   * kernel. Dispatches that write state (Adam, baselines, counters) run `repeats` times too.
   * @throws EngineError('config') for an index outside the update's dispatches or repeats < 1
   */
  async runDispatch(index: number, repeats: number): Promise<void> {
    this.check();
    const planned = this.plannedDispatches();
    if (!Number.isInteger(index) || index < 0 || index >= planned.length) throw new EngineError(`dispatch index must be in 0..${planned.length - 1}, got ${index}`, 'config');
    if (!Number.isInteger(repeats) || repeats < 1) throw new EngineError(`repeats must be a positive integer, got ${repeats}`, 'config');
    const d = planned[index];
    this.steps.write([trainingStepValues(this.config, this.updatesDone, 0, 0, this.data.train.count, this.program.samplingStreams)]);
    const encoder = this.device.createCommandEncoder({ label: `${d.kernel.name} × ${repeats}` });
    const pass = encoder.beginComputePass({ label: `${d.kernel.name} × ${repeats}` });
    encodeDispatches(pass, Array.from({ length: repeats }, () => d), this.steps.offset(0));
    pass.end();
    this.rt.submit(encoder);
    await this.rt.idle();
    this.check();
  }

  /** The dispatches of one update's plan (its host stages left out), not encoded. */
  private plannedDispatches(): Dispatch[] {
    const plan = this.program.updatePlan(this.config.batch);
    try {
      return plan.stages.flatMap((s) => ('dispatches' in s ? [...s.dispatches] : []));
    } finally {
      plan.release?.();
    }
  }

  /** Bytes of the GPU buffers the runtime owns now (GpuResources.bytes; the soak watches it). */
  get gpuBufferBytes(): number {
    return this.rt.res.bytes;
  }

  /** Releases what the program holds outside the runtime, then the runtime: every buffer, and the device when the runtime created it. */
  dispose(): void {
    this.program.dispose?.();
    this.rt.dispose();
  }
}

/**
 * What the engine relies on in a program, checked once at creation: the state layout fills a
 * run's parameters exactly, and the metric window and run states hold every run.
 * @throws EngineError('internal') naming the program and the mismatch
 */
function checkProgramLayout(task: string, p: ProgramInstance, runs: number): void {
  const floats = p.stateLayout.reduce((sum, t) => sum + sizeOf(t.shape), 0);
  if (floats !== p.paramsPerRun) throw new EngineError(`WebGPU ${task} program: its state layout holds ${floats} floats per run, its parameters ${p.paramsPerRun}`, 'internal');
  const metricBytes = runs * (4 + p.varianceLayers) * 4;
  if (p.buffers.metrics.size < metricBytes) throw new EngineError(`WebGPU ${task} program: its metric window has ${p.buffers.metrics.size} bytes, ${runs} runs × (4 + ${p.varianceLayers} layers) need ${metricBytes}`, 'internal');
  for (const s of p.runStates) if (s.buffer.size < runs * s.def.size) throw new EngineError(`WebGPU ${task} program: a run-state buffer holds fewer than ${runs} runs`, 'internal');
  if (p.paramsPerRun * runs * 4 > p.buffers.params.size) throw new EngineError(`WebGPU ${task} program: its parameter buffer holds fewer than ${runs} runs`, 'internal');
}
