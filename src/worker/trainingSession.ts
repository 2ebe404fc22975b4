// One configuration's training loop inside the worker: play / pause / step N, a speed cap,
// windows of updates turned into metric points (src/engine/records.ts), periodic test
// evaluation, non-finite runs reported. No DOM: the Node tests drive it with the CPU engine.
import { epochRecord, isBanditRecord, zeroCounters } from '../engine/records.ts';
import type { RunCounters, TrainingEngine } from '../engine/types.ts';
import type { MetricPoint, MetricsSnapshot, RunFailure, RunPoint, TrainingStatus } from './protocol.ts';

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
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class TrainingSession {
  private playing = false;
  private pendingSteps = 0;
  private updatesPerSecondCap = Number.POSITIVE_INFINITY;
  private pumping = false;
  private disposed = false;
  private examplesDone = 0;
  private trainingMs = 0;
  private msPerUpdate = 5;
  private lastCounters: RunCounters[];
  private pointsSinceEvaluation = 0;
  private newPoints: MetricPoint[] = [];
  private newFailures: RunFailure[] = [];
  private readonly failed = new Set<number>();
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

  constructor(
    readonly engine: TrainingEngine,
    private readonly options: SessionOptions,
  ) {
    const layers = engine.config.task === 'bandit' ? engine.config.hidden + 1 : engine.config.layers;
    this.lastCounters = engine.runs.map(() => zeroCounters(layers));
    this.recordEvery = Math.max(1, Math.floor(options.recordEvery ?? Math.round(engine.updatesPerEpoch / 20)));
    this.evaluateEveryPoints = Math.max(1, Math.floor(options.evaluateEveryPoints ?? 5));
    this.now = options.now ?? (() => performance.now());
    this.yieldToEvents = options.yieldToEvents ?? (() => defaultSleep(0));
    this.sleep = options.sleep ?? defaultSleep;
  }

  get epochsTotalExamples(): number {
    return this.options.epochs * this.options.trainCount;
  }

  get finished(): boolean {
    return this.examplesDone >= this.epochsTotalExamples || this.failed.size === this.engine.runs.length;
  }

  play(): void {
    this.playing = true;
    void this.pump();
  }

  pause(): void {
    this.playing = false;
    this.pendingSteps = 0;
  }

  /** Trains exactly `updates` more updates (unless finished), then stops. */
  stepUpdates(updates: number): void {
    this.playing = false;
    this.pendingSteps += Math.max(0, Math.floor(updates));
    void this.pump();
  }

  setSpeed(updatesPerSecond: number): void {
    this.updatesPerSecondCap = updatesPerSecond > 0 ? updatesPerSecond : Number.POSITIVE_INFINITY;
  }

  setHyperparameters(change: { lr?: number; batch?: number }): void {
    this.engine.setHyperparameters(change);
  }

  /** Stops the loop and disposes the engine once no step is in flight. */
  dispose(): void {
    this.disposed = true;
    this.playing = false;
    this.pendingSteps = 0;
    if (!this.pumping) this.engine.dispose();
  }

  /** Whether the engine is free for a request (inspection, evaluation) between chunks. */
  async whenIdleChunk<T>(task: () => Promise<T>): Promise<T> {
    while (this.busy) await this.sleep(5);
    this.busy = true;
    try {
      return await task();
    } finally {
      this.busy = false;
    }
  }

  private busy = false;

  status(): TrainingStatus {
    const recent = this.throughput;
    let ups = 0;
    if (recent.length >= 2) {
      const a = recent[0];
      const b = recent[recent.length - 1];
      ups = b.t > a.t ? ((b.updates - a.updates) * 1000) / (b.t - a.t) : 0;
    }
    const batch = this.currentBatch();
    const remainingUpdates = Math.max(0, (this.epochsTotalExamples - this.examplesDone) / batch);
    return {
      playing: this.playing || this.pendingSteps > 0,
      updates: this.engine.updatesDone,
      epoch: this.examplesDone / this.options.trainCount,
      epochs: this.options.epochs,
      updatesPerSecond: ups,
      elapsedSeconds: this.trainingMs / 1000,
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
    const remainingExamples = this.epochsTotalExamples - this.examplesDone;
    n = Math.min(n, Math.max(1, Math.ceil(remainingExamples / this.currentBatch())));
    if (Number.isFinite(this.updatesPerSecondCap)) n = Math.min(n, Math.max(1, Math.floor(this.updatesPerSecondCap / 10)));
    return Math.max(1, n);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    this.throughput.length = 0; // updates/s counts time while training only
    let mark = this.now();
    try {
      while (this.wantsToRun()) {
        while (this.busy) await this.sleep(5);
        this.busy = true;
        const n = this.chunkSize();
        const batch = this.currentBatch();
        const t0 = this.now();
        try {
          await this.engine.step(n);
        } finally {
          this.busy = false;
        }
        const ms = this.now() - t0;
        this.msPerUpdate = 0.7 * this.msPerUpdate + 0.3 * (ms / n);
        this.examplesDone += n * batch;
        if (!this.playing) this.pendingSteps = Math.max(0, this.pendingSteps - n);
        this.noteThroughput();
        if (this.engine.updatesDone % this.recordEvery === 0 || this.finished) await this.recordPoint();
        if (Number.isFinite(this.updatesPerSecondCap)) {
          const wait = (n * 1000) / this.updatesPerSecondCap - ms;
          if (wait > 0) await this.sleep(wait);
          else await this.yieldToEvents();
        } else await this.yieldToEvents();
        // elapsed = wall-clock time while training (a GPU step may return before its work is done)
        const t1 = this.now();
        this.trainingMs += t1 - mark;
        mark = t1;
      }
    } catch (error) {
      this.playing = false;
      this.pendingSteps = 0;
      this.onError(error instanceof Error ? error.message : String(error));
    } finally {
      this.pumping = false;
      if (this.disposed) this.engine.dispose();
      else this.onIdle();
    }
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
    let counters: RunCounters[];
    let tests: (number | null)[];
    try {
      const evaluations = evaluate ? await this.engine.evaluate() : undefined;
      tests = this.engine.runs.map((_, i) => (evaluations ? evaluations[i].testScore : null));
      counters = await this.engine.readCounters();
    } finally {
      this.busy = false;
    }
    if (evaluate) this.pointsSinceEvaluation = 0;
    const epoch = this.examplesDone / this.options.trainCount;
    const update = this.engine.updatesDone;
    const runs: RunPoint[] = counters.map((after, i) => {
      const record = epochRecord(this.engine.config, 0, this.lastCounters[i], after, undefined, 0);
      const alive = after.finite;
      if (!alive && !this.failed.has(i)) {
        this.failed.add(i);
        this.newFailures.push({ run: i, failure: after.failure ?? 'a non-finite value appeared', update, epoch });
      }
      const train = isBanditRecord(record) ? record.trainAccuracy : record.trainElbo;
      return {
        train: alive ? train : Number.NaN,
        test: alive ? tests[i] : null,
        logVar: alive ? record.logMeanGradVariance : Number.NaN,
        layerLogVar: record.layerGradVariance.map((v) => (alive ? Math.log(v) : Number.NaN)),
      };
    });
    this.lastCounters = counters;
    this.newPoints.push({ update, epoch, runs, tested: evaluate });
  }
}
