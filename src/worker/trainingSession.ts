// One configuration's training inside the worker: play / pause / step N and a speed cap around
// the engine's TrainingLoop (src/engine/trainingLoop.ts, the loop the CLI drives too), whose
// windows become metric points with periodic test evaluation and non-finite runs reported.
// No DOM: the Node tests drive it with the CPU engine.
import { isBanditRecord } from '../engine/records.ts';
import { isCheckpointable, type CheckpointableEngine } from '../engine/state.ts';
import { TrainingLoop, type TrainingWindow } from '../engine/trainingLoop.ts';
import { EngineError, type TrainingEngine } from '../engine/types.ts';
import type { MetricPoint, MetricsSnapshot, RunFailure, RunPoint, TrainingStatus } from './protocol.ts';
import type { SessionCheckpoint, SessionProgress } from './savedTraining.ts';

export interface SessionOptions {
  trainCount: number;
  epochs: number;
  /** updates between metric points (default: 1/20 epoch) */
  recordEvery?: number;
  /** metric points between test evaluations (default 5) */
  evaluateEveryPoints?: number;
  /** target milliseconds of one engine.step call */
  chunkMs?: number;
  now?: () => number;
  /** yields to the event loop between chunks (so pause messages get through) */
  yieldToEvents?: () => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
  /** continue a saved session (the engine holds the matching imported state) */
  from?: SessionProgress;
  /**
   * keep an in-memory checkpoint (engine state and progress) at most this often while training,
   * and whenever the loop stops (default 3000 ms; Infinity: never). Only for checkpointable
   * engines; a readback, so never per update.
   */
  checkpointEveryMs?: number;
  /**
   * progress of a test evaluation (see TrainingEngine.evaluate's onProgress): `done` of `total`;
   * awaited, so the caller may yield to its event loop there (pause messages get through)
   */
  onEvaluationProgress?: (done: number, total: number) => void | Promise<void>;
}

/**
 * A request the session could not answer because it was disposed (the configuration changed,
 * the engine was replaced, the device was lost) before or while it ran: `message` is one
 * user-facing line saying why (never an engine's internal text).
 */
export class RequestCancelled extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestCancelled';
  }
}

/** Why a disposed session's requests were cancelled, when its owner says nothing more specific. */
export const DEFAULT_CANCEL_REASON = 'the configuration changed before it finished';

const DEFAULT_CHECKPOINT_MS = 3000;
/** the shortest time between two chunk ends that gives an updates/s rate (shorter: the rate is unknown) */
const RATE_MIN_SPAN_MS = 200;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class TrainingSession {
  private playing = false;
  private pendingSteps = 0;
  private updatesPerSecondCap = Number.POSITIVE_INFINITY;
  private pumping = false;
  private disposed = false;
  private trainingMs = 0;
  private msPerUpdate = 5;
  private pointsSinceEvaluation = 0;
  private newPoints: MetricPoint[] = [];
  private newFailures: RunFailure[] = [];
  private readonly loop: TrainingLoop;
  private readonly throughput: { t: number; updates: number }[] = [];
  private readonly recordEvery: number;
  private readonly evaluateEveryPoints: number;
  private readonly now: () => number;
  private readonly yieldToEvents: () => Promise<void>;
  private readonly sleep: (ms: number) => Promise<void>;
  /** called when the loop stops on its own (finished, or a step budget ran out) */
  onIdle: () => void = () => {};
  /** called with an error message when the engine throws */
  onError: (message: string) => void = () => {};
  /** called instead of onError when the engine's device is lost (EngineError 'device-lost') */
  onDeviceLost: (message: string) => void = () => {};
  /** the last in-memory checkpoint (see SessionOptions.checkpointEveryMs), null before the first */
  lastCheckpoint: SessionCheckpoint | null = null;
  private lastCheckpointAt = Number.NEGATIVE_INFINITY;
  private stoppedByErrorFlag = false;
  /** pause() was asked and neither play() nor stepUpdates() since: a test evaluation in progress waits at its next progress report */
  private pauseRequested = false;
  /** whenIdleChunk requests waiting for the engine: a paused evaluation finishes for them */
  private waiters = 0;
  private engineDisposed = false;
  private cancelReason = DEFAULT_CANCEL_REASON;
  /** wakes an evaluation waiting while paused (play, step, dispose or a request) */
  private wake: (() => void) | null = null;
  /** a test evaluation is held at a progress report by a pause */
  private evaluationHeld = false;
  /** requests running alongside a held evaluation (see whenIdleChunk's alongsideHeldEvaluation) */
  private heldReaders = 0;

  constructor(
    readonly engine: TrainingEngine,
    private readonly options: SessionOptions,
  ) {
    this.recordEvery = Math.max(1, Math.floor(options.recordEvery ?? Math.round(engine.updatesPerEpoch / 20)));
    this.evaluateEveryPoints = Math.max(1, Math.floor(options.evaluateEveryPoints ?? 5));
    this.now = options.now ?? (() => performance.now());
    this.yieldToEvents = options.yieldToEvents ?? (() => defaultSleep(0));
    this.sleep = options.sleep ?? defaultSleep;
    this.loop = new TrainingLoop(engine, { trainCount: options.trainCount, epochs: options.epochs, now: this.now, ...(options.from ? { from: options.from } : {}) });
    if (options.from) {
      this.pointsSinceEvaluation = options.from.pointsSinceEvaluation;
      this.trainingMs = options.from.trainingMs;
    }
  }

  /** Whether the engine can export its state (save model, recovery after a lost device). */
  get checkpointable(): boolean {
    return isCheckpointable(this.engine);
  }

  /**
   * The engine's whole state and the session's progress, taken between chunks, with the points
   * and failures recorded up to that moment (so a saved file's charts end where its state is).
   * @throws EngineError('config') when the engine cannot export its state
   */
  async checkpoint(): Promise<{ checkpoint: SessionCheckpoint; snapshot: MetricsSnapshot }> {
    const engine = this.engine;
    if (!isCheckpointable(engine)) throw new EngineError(`the ${engine.info.description} cannot export its state`, 'config');
    return this.whenIdleChunk(async () => ({ checkpoint: await this.capture(engine), snapshot: this.takeSnapshot() }));
  }

  /** Updates between two metric points (the charts' rows). */
  get updatesPerPoint(): number {
    return this.recordEvery;
  }

  /** Updates between two test evaluations (test accuracy, or the VAE's K-sample bound). */
  get updatesPerEvaluation(): number {
    return this.recordEvery * this.evaluateEveryPoints;
  }

  /** Whether the epoch budget is reached or every run has stopped. */
  get finished(): boolean {
    return this.loop.finished;
  }

  play(): void {
    this.playing = true;
    this.pauseRequested = false;
    this.wakeEvaluation();
    void this.pump();
  }

  /**
   * Stops training after the chunk in progress. A test evaluation in progress (the VAE's
   * K-sample bound takes seconds) waits at its next progress report until play, step, a
   * request for the engine or dispose: its numbers do not change, and the pause takes effect
   * within one progress slice.
   */
  pause(): void {
    this.playing = false;
    this.pendingSteps = 0;
    this.pauseRequested = true;
  }

  /** Trains exactly `updates` more updates (unless finished), then stops. */
  stepUpdates(updates: number): void {
    this.playing = false;
    this.pauseRequested = false;
    this.wakeEvaluation();
    this.pendingSteps += Math.max(0, Math.floor(updates));
    void this.pump();
  }

  setSpeed(updatesPerSecond: number): void {
    this.updatesPerSecondCap = updatesPerSecond > 0 ? updatesPerSecond : Number.POSITIVE_INFINITY;
  }

  setHyperparameters(change: { lr?: number; batch?: number }): void {
    this.engine.setHyperparameters(change);
  }

  /**
   * Changes the epoch budget without a reset (TrainingLoop.setEpochs): a finished run given more
   * epochs can be played on from where it stopped.
   * @throws RangeError when `epochs` is not a positive finite number
   */
  setEpochs(epochs: number): void {
    this.loop.setEpochs(epochs);
  }

  /** Whether training was going on when the engine threw (it stopped the loop). */
  get stoppedByError(): boolean {
    return this.stoppedByErrorFlag;
  }

  /** Whether dispose() was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Stops the loop and disposes the engine (its GPU buffers are destroyed then) as soon as no
   * engine call is in flight: a test evaluation in progress stops at its next progress report.
   * Requests waiting for the engine, or running on it, reject with RequestCancelled(`reason`).
   * @param reason one user-facing line: why the requests were not answered
   */
  dispose(reason: string = DEFAULT_CANCEL_REASON): void {
    if (!this.disposed) this.cancelReason = reason;
    this.disposed = true;
    this.playing = false;
    this.pendingSteps = 0;
    this.wakeEvaluation();
    this.releaseEngine();
  }

  /** Disposes the engine once nothing runs on it (no chunk, no evaluation, no request). */
  private releaseEngine(): void {
    if (!this.disposed || this.pumping || this.busy || this.heldReaders > 0 || this.engineDisposed) return;
    this.engineDisposed = true;
    this.engine.dispose();
  }

  /**
   * Runs `task` on the engine between chunks (inspection, evaluation, state export). A test
   * evaluation paused in progress finishes first, unless `alongsideHeldEvaluation`: a task that
   * only reads the parameters through calls that leave the evaluation's state alone (inspect and
   * the VAE views on the CPU engine, whose evaluation keeps its sums in its own call) then runs
   * at once beside the held evaluation, which stays paused.
   * @throws RequestCancelled when the session is disposed before or while `task` runs
   */
  async whenIdleChunk<T>(task: () => Promise<T>, options: { alongsideHeldEvaluation?: boolean } = {}): Promise<T> {
    const alongside = options.alongsideHeldEvaluation === true;
    // a task that cannot run beside a held evaluation lets it go on (it finishes, then the task runs)
    if (!alongside) {
      this.waiters += 1;
      this.wakeEvaluation();
    }
    try {
      while (this.busy && !this.disposed && !(alongside && this.evaluationHeld)) await this.sleep(5);
    } finally {
      if (!alongside) this.waiters -= 1;
    }
    if (this.disposed) throw new RequestCancelled(this.cancelReason);
    const beside = alongside && this.busy && this.evaluationHeld;
    if (beside) this.heldReaders += 1;
    else this.busy = true;
    try {
      return await task();
    } catch (error) {
      if (this.disposed) throw new RequestCancelled(this.cancelReason);
      throw error;
    } finally {
      if (beside) this.heldReaders -= 1;
      else this.busy = false;
      this.releaseEngine();
    }
  }

  private wakeEvaluation(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /**
   * The progress report of a test evaluation in the loop: passes it on, then stops the
   * evaluation when the session was disposed, and waits while a pause is asked (unless a
   * request waits for the engine).
   * @throws RequestCancelled when the session is disposed
   */
  private async evaluationProgress(done: number, total: number): Promise<void> {
    if (this.disposed) throw new RequestCancelled(this.cancelReason);
    await this.options.onEvaluationProgress?.(done, total);
    if (this.pauseRequested && !this.disposed && this.waiters === 0) {
      // the time spent paused is no training time
      const t = this.now();
      this.trainingMs += t - (this.pumpMark ?? t);
      this.pumpMark = null;
      this.evaluationHeld = true;
      try {
        while (this.pauseRequested && !this.disposed && this.waiters === 0) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
        }
      } finally {
        this.evaluationHeld = false;
      }
      this.pumpMark = this.now();
    }
    if (this.disposed) throw new RequestCancelled(this.cancelReason);
  }

  private busy = false;
  /** while the loop trains: when the training time not yet added to trainingMs began; else null */
  private pumpMark: number | null = null;

  status(): TrainingStatus {
    // the rate over the chunks of the last seconds; unknown (NaN) until two chunk ends at least
    // RATE_MIN_SPAN_MS apart (a first slow chunk, e.g. the WebGPU VAE on a software adapter,
    // showed "0.0 updates/s" while it trained)
    const recent = this.throughput;
    let ups = Number.NaN;
    if (recent.length >= 2) {
      const a = recent[0];
      const b = recent[recent.length - 1];
      if (b.t - a.t >= RATE_MIN_SPAN_MS) ups = ((b.updates - a.updates) * 1000) / (b.t - a.t);
    }
    const remainingUpdates = this.loop.examplesLeft / this.currentBatch();
    return {
      playing: this.playing || this.pendingSteps > 0,
      updates: this.engine.updatesDone,
      epoch: this.loop.epoch,
      epochs: this.loop.epochs,
      updatesPerSecond: ups,
      // the chunk in progress counts too: a slow first chunk (WebGPU on a software adapter)
      // showed "Elapsed 0s" while it trained
      elapsedSeconds: (this.trainingMs + (this.pumpMark === null ? 0 : Math.max(0, this.now() - this.pumpMark))) / 1000,
      etaSeconds: ups > 0 ? remainingUpdates / ups : Number.NaN,
      finished: this.finished,
    };
  }

  /** The points and failures since the last call, with the current status. */
  takeSnapshot(): MetricsSnapshot {
    const snapshot: MetricsSnapshot = { type: 'snapshot', points: this.newPoints, failures: this.newFailures, status: this.status() };
    this.newPoints = [];
    this.newFailures = [];
    return snapshot;
  }

  private currentBatch(): number {
    return this.engine.config.batch;
  }

  private wantsToRun(): boolean {
    return !this.disposed && !this.finished && (this.playing || this.pendingSteps > 0);
  }

  private chunkSize(): number {
    const target = this.options.chunkMs ?? 40;
    let n = Math.max(1, Math.floor(target / Math.max(this.msPerUpdate, 1e-3)));
    const untilPoint = this.recordEvery - (this.engine.updatesDone % this.recordEvery);
    n = Math.min(n, untilPoint);
    if (!this.playing) n = Math.min(n, this.pendingSteps);
    n = Math.min(n, Math.max(1, this.loop.updatesLeft));
    if (Number.isFinite(this.updatesPerSecondCap)) n = Math.min(n, Math.max(1, Math.floor(this.updatesPerSecondCap / 10)));
    return Math.max(1, n);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    this.throughput.length = 0; // updates/s counts time while training only
    this.pumpMark = this.now();
    try {
      while (this.wantsToRun()) {
        while (this.busy) await this.sleep(5);
        if (!this.wantsToRun()) break; // paused or disposed while a request had the engine
        this.busy = true;
        const t0 = this.now();
        let n: number;
        try {
          n = await this.loop.step(this.chunkSize());
        } finally {
          this.busy = false;
        }
        const ms = this.now() - t0;
        this.msPerUpdate = 0.7 * this.msPerUpdate + 0.3 * (ms / Math.max(1, n));
        if (!this.playing) this.pendingSteps = Math.max(0, this.pendingSteps - n);
        this.noteThroughput();
        if (this.engine.updatesDone % this.recordEvery === 0 || this.finished) await this.recordPoint();
        if (this.now() - this.lastCheckpointAt >= (this.options.checkpointEveryMs ?? DEFAULT_CHECKPOINT_MS)) await this.keepCheckpoint();
        if (Number.isFinite(this.updatesPerSecondCap)) {
          const wait = (n * 1000) / this.updatesPerSecondCap - ms;
          if (wait > 0) await this.sleep(wait);
          else await this.yieldToEvents();
        } else await this.yieldToEvents();
        // elapsed = wall-clock time while training (a GPU step may return before its work is done)
        const t1 = this.now();
        this.trainingMs += t1 - (this.pumpMark ?? t1);
        this.pumpMark = t1;
      }
      this.pumpMark = null;
      if (!this.disposed && this.lastCheckpointAt < this.now()) await this.keepCheckpoint(); // the state at the pause
    } catch (error) {
      if (this.disposed) return; // a reset or a replaced engine: nothing to report (finally disposes the engine)
      this.stoppedByErrorFlag = this.playing || this.pendingSteps > 0;
      this.playing = false;
      this.pendingSteps = 0;
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof EngineError && error.kind === 'device-lost') this.onDeviceLost(message);
      else this.onError(message);
    } finally {
      this.pumpMark = null;
      this.pumping = false;
      if (this.disposed) this.releaseEngine();
      // play or step asked for after the loop ended, while its last checkpoint was taken: pump()
      // returned at once then (still pumping), so start again rather than drop the request
      else if (this.wantsToRun()) void this.pump();
      else this.onIdle();
    }
  }

  /** Takes an in-memory checkpoint when the engine is checkpointable and the option allows. */
  private async keepCheckpoint(): Promise<void> {
    const engine = this.engine;
    if (!isCheckpointable(engine) || !Number.isFinite(this.options.checkpointEveryMs ?? DEFAULT_CHECKPOINT_MS)) return;
    this.busy = true;
    try {
      await this.capture(engine);
    } finally {
      this.busy = false;
    }
  }

  /** Exports the engine's state with the session's progress and keeps it as lastCheckpoint. */
  private async capture(engine: CheckpointableEngine): Promise<SessionCheckpoint> {
    const state = await engine.exportState();
    const loop = await this.loop.progress();
    const checkpoint: SessionCheckpoint = { state, progress: { ...loop, pointsSinceEvaluation: this.pointsSinceEvaluation, trainingMs: this.trainingMs } };
    this.lastCheckpoint = checkpoint;
    this.lastCheckpointAt = this.now();
    return checkpoint;
  }

  private noteThroughput(): void {
    const t = this.now();
    this.throughput.push({ t, updates: this.engine.updatesDone });
    while (this.throughput.length > 2 && t - this.throughput[0].t > 3000) this.throughput.shift();
  }

  private async recordPoint(): Promise<void> {
    this.pointsSinceEvaluation += 1;
    const evaluate = this.pointsSinceEvaluation >= this.evaluateEveryPoints || this.finished;
    this.busy = true;
    let window: TrainingWindow;
    try {
      window = await this.loop.closeWindow(0, evaluate, (done, total) => this.evaluationProgress(done, total));
    } finally {
      this.busy = false;
    }
    if (evaluate) this.pointsSinceEvaluation = 0;
    const epoch = this.loop.epoch;
    const update = this.engine.updatesDone;
    for (const { run, failure } of window.failures) this.newFailures.push({ run, failure, update, epoch });
    // the variance over a batch of one example is undefined (docs/math.md §4): NaN, never a log of rounding noise
    const batchOfOne = this.engine.config.batch === 1;
    const runs: RunPoint[] = window.records.map((record) => {
      const alive = record.finite;
      const train = isBanditRecord(record) ? record.trainAccuracy : record.trainElbo;
      const test = isBanditRecord(record) ? record.testAccuracy : record.testBound;
      return {
        train: alive ? train : Number.NaN,
        test: alive ? test : null,
        logVar: alive && !batchOfOne ? record.logMeanGradVariance : Number.NaN,
        layerLogVar: record.layerGradVariance.map((v) => (alive && !batchOfOne ? Math.log(v) : Number.NaN)),
      };
    });
    this.newPoints.push({ update, epoch, runs, tested: evaluate });
  }
}
