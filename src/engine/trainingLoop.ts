// The one training loop of every front end: steps an engine, counts the examples it has seen
// (so the batch may change mid-run), and turns windows of updates into records (src/engine/
// records.ts) with an optional test evaluation, reporting each run that goes non-finite once.
// The CLI's train() (trainer.ts) drives it epoch by epoch; the playground's worker
// (src/worker/trainingSession.ts) drives it with play / pause / step N and a speed cap.
// Resumable: it holds no control flow of its own, only what has been done.
// Pure (no Node, no DOM).
import { epochRecord, zeroCounters, type EpochRecord } from './records.ts';
import { varianceLayerCount, type EvaluateOptions, type EvaluationResult, type RunCounters, type TrainingEngine } from './types.ts';

/** The length of a training run and the clock its windows are timed with. */
export interface TrainingLoopOptions {
  /** training examples in one epoch (the dataset's train count, or updatesPerEpoch · batch) */
  trainCount: number;
  /** the run's length in epochs: the loop is finished after epochs · trainCount examples */
  epochs: number;
  /** millisecond clock (default performance.now) */
  now?: () => number;
  /** continue a loop whose progress was saved (the engine holds the matching imported state) */
  from?: LoopProgress;
}

/** What a loop has done, beyond the engine's own state: enough to continue it exactly. */
export interface LoopProgress {
  /** training examples seen */
  examples: number;
  /** runs already reported non-finite */
  failed: number[];
  /** the counters at the start of the current window (one per run) */
  windowCounters: RunCounters[];
}

/** What closing a window yields. */
export interface TrainingWindow {
  /** one record per run, in engine.runs order, over the updates since the previous window */
  records: EpochRecord[];
  /** runs that went non-finite in this window, each reported once in the loop's life */
  failures: { run: number; failure: string }[];
}

/** The number of layers with gradient-variance counters (see varianceLayerCount). */
export function counterLayers(engine: Pick<TrainingEngine, 'config'>): number {
  return varianceLayerCount(engine.config);
}

/**
 * A training run of one engine, advanced by its owner: `step(n)` trains, `closeWindow()` reads
 * the counters and evaluates. The engine may have trained before (its counters are then read
 * as the baseline before the first step).
 */
export class TrainingLoop {
  private examples = 0;
  private lastCounters: RunCounters[] | null;
  private windowStart: number;
  private readonly failed = new Set<number>();
  private readonly now: () => number;
  /** the run's length in epochs (starts as options.epochs) */
  private length: number;

  constructor(
    readonly engine: TrainingEngine,
    private readonly options: TrainingLoopOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.length = options.epochs;
    this.lastCounters = engine.updatesDone === 0 ? engine.runs.map(() => zeroCounters(counterLayers(engine))) : null;
    if (options.from) {
      this.examples = options.from.examples;
      this.lastCounters = options.from.windowCounters.map((c) => ({ ...c, layerGradVarianceSum: [...c.layerGradVarianceSum] }));
      for (const run of options.from.failed) this.failed.add(run);
    }
    this.windowStart = this.now();
  }

  /** A copy of the loop's progress (reads the counters once if no window has started yet). */
  async progress(): Promise<LoopProgress> {
    const counters = await this.baseline();
    return { examples: this.examples, failed: [...this.failed], windowCounters: counters.map((c) => ({ ...c, layerGradVarianceSum: [...c.layerGradVarianceSum] })) };
  }

  /** Training examples seen by every live run since the loop started. */
  get examplesDone(): number {
    return this.examples;
  }

  /**
   * Changes the run's length to `epochs` (the playground's "train N more epochs" after a finished
   * run, or an edited epoch budget mid-run); a length below the epochs done finishes the loop.
   * @throws RangeError when `epochs` is not a positive finite number
   */
  setEpochs(epochs: number): void {
    if (!(epochs > 0) || !Number.isFinite(epochs)) throw new RangeError(`epochs must be a positive number, got ${epochs}`);
    this.length = epochs;
  }

  /** The run's length in epochs (TrainingLoopOptions.epochs, or the last setEpochs). */
  get epochs(): number {
    return this.length;
  }

  /** Fractional epochs done: examplesDone / trainCount. */
  get epoch(): number {
    return this.examples / this.options.trainCount;
  }

  /** Examples left until the run's length (0 once reached). */
  get examplesLeft(): number {
    return Math.max(0, this.length * this.options.trainCount - this.examples);
  }

  /** Updates left at the current batch size (the last one may overrun the length by less than a batch). */
  get updatesLeft(): number {
    return Math.ceil(this.examplesLeft / this.engine.config.batch);
  }

  /** Whether the run's length is reached or every run has gone non-finite. */
  get finished(): boolean {
    return this.examplesLeft === 0 || this.failed.size === this.engine.runs.length;
  }

  /** Runs reported non-finite so far. */
  get failedRuns(): number {
    return this.failed.size;
  }

  /** Trains min(n, updatesLeft) updates at the current batch size; returns how many it trained. */
  async step(n: number): Promise<number> {
    await this.baseline();
    const updates = Math.min(Math.max(0, Math.floor(n)), this.updatesLeft);
    if (updates === 0) return 0;
    const batch = this.engine.config.batch;
    await this.engine.step(updates);
    this.examples += updates * batch;
    return updates;
  }

  /**
   * Ends the current window: evaluates on the test set when asked (before reading the counters;
   * `onProgress` is passed to the engine's evaluate), and returns one record per run labelled
   * `epoch`, timed from the previous window's end. `key` is the evaluation's random-number key
   * (EvaluateOptions.key; absent: the engine's count of evaluations).
   */
  async closeWindow(epoch: number, evaluate: boolean, onProgress?: EvaluateOptions['onProgress'], key?: number): Promise<TrainingWindow> {
    const before = await this.baseline();
    const evaluationStart = evaluate ? this.now() : 0;
    const options: EvaluateOptions = { ...(onProgress ? { onProgress } : {}), ...(key === undefined ? {} : { key }) };
    const evaluations: (EvaluationResult | undefined)[] = evaluate ? await this.engine.evaluate(options) : this.engine.runs.map(() => undefined);
    const after = await this.engine.readCounters();
    const end = this.now();
    const seconds = (end - this.windowStart) / 1000;
    const evaluationSeconds = evaluate ? (end - evaluationStart) / 1000 : 0;
    this.windowStart = end;
    this.lastCounters = after;
    const records = after.map((a, i) => epochRecord(this.engine.config, epoch, before[i], a, evaluations[i], seconds, evaluationSeconds));
    const failures: TrainingWindow['failures'] = [];
    after.forEach((a, run) => {
      if (a.finite || this.failed.has(run)) return;
      this.failed.add(run);
      failures.push({ run, failure: a.failure ?? 'a non-finite value appeared' });
    });
    return { records, failures };
  }

  private async baseline(): Promise<RunCounters[]> {
    this.lastCounters ??= await this.engine.readCounters();
    return this.lastCounters;
  }
}
