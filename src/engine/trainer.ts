// Training by epochs for the CLI and the tests: epochs of step → evaluate → records, with
// progress. Pure (no Node, no DOM); the loop itself is TrainingLoop (trainingLoop.ts).
import type { EpochRecord, RunResult } from './records.ts';
import { TrainingLoop } from './trainingLoop.ts';
import type { TrainingEngine } from './types.ts';

export interface TrainingProgress {
  /** 1-based epoch in progress */
  epoch: number;
  epochs: number;
  /** updates done in this training session (all epochs) */
  updatesDone: number;
  updatesTotal: number;
  /**
   * updates per second of wall-clock time since the session started, evaluation included
   * (a WebGPU step() returns before the GPU finishes, so only wall-clock time is honest)
   */
  updatesPerSecond: number;
  /** estimated seconds left, evaluation time included; NaN before the first chunk */
  etaSeconds: number;
}

export interface TrainOptions {
  epochs: number;
  /** evaluate at epochs that are multiples of this, and at the last epoch (default 1: every epoch) */
  evaluateEvery?: number;
  /** updates per engine.step call between progress reports (default 25) */
  chunk?: number;
  /** millisecond clock (default performance.now) */
  now?: () => number;
  onProgress?: (progress: TrainingProgress) => void;
  /** called before each test-set evaluation (it can take a while: the VAE bound draws K samples) */
  onEvaluate?: (epoch: number) => void;
  /** during a test-set evaluation: (run, image) pairs done of total, from the engine's evaluate() */
  onEvaluationProgress?: (epoch: number, done: number, total: number) => void;
  /** called after each epoch with one record per run, in engine.runs order; awaited (the CLI writes a checkpoint there) */
  onEpoch?: (epoch: number, records: EpochRecord[]) => void | Promise<void>;
  /**
   * continue a run restored from a checkpoint: `epochsDone` epochs are finished (the engine holds
   * their state) and `runs` their records, which the result starts with
   */
  resume?: { epochsDone: number; runs: readonly RunResult[] };
  /** checked between chunks: return true to stop (the partial result is returned) */
  shouldStop?: () => boolean;
  /**
   * awaited after every chunk, before shouldStop is checked: lets the host's event loop run
   * (a CPU engine's step can finish without ever yielding, so signal handlers and messages
   * would otherwise wait for the end of training); the CLI passes a setImmediate promise
   */
  yieldBetweenChunks?: () => Promise<void>;
}

export interface TrainResult {
  runs: RunResult[];
  /** epochs completed */
  epochs: number;
  stopped: boolean;
  seconds: number;
}

/**
 * Trains `options.epochs` epochs of engine.updatesPerEpoch updates each (in engine.step calls
 * of `chunk` updates), evaluating at every `evaluateEvery`-th epoch and the last; one record
 * per run and epoch. A thin driver of TrainingLoop (trainingLoop.ts), which the playground's
 * worker drives too. Rejects with whatever the engine throws.
 */
export async function train(engine: TrainingEngine, options: TrainOptions): Promise<TrainResult> {
  const now = options.now ?? (() => performance.now());
  const every = Math.max(1, Math.floor(options.evaluateEvery ?? 1));
  const chunk = Math.max(1, Math.floor(options.chunk ?? 25));
  const perEpoch = engine.updatesPerEpoch;
  const first = (options.resume?.epochsDone ?? 0) + 1;
  const updatesTotal = perEpoch * (options.epochs - first + 1);
  const runs: RunResult[] = engine.runs.map((r, i) => ({ estimator: r.estimator, seed: r.seed, epochs: [...(options.resume?.runs[i]?.epochs ?? [])] }));
  const start = now();
  // an epoch is perEpoch updates: the loop's length in examples is exactly that many updates
  const loop = new TrainingLoop(engine, { trainCount: perEpoch * engine.config.batch, epochs: options.epochs, now });
  let done = 0;
  let epochsDone = first - 1;
  let stopped = false;

  const report = (epoch: number): void => {
    if (!options.onProgress) return;
    const elapsed = now() - start;
    options.onProgress({
      epoch,
      epochs: options.epochs,
      updatesDone: done,
      updatesTotal,
      updatesPerSecond: elapsed > 0 ? (done * 1000) / elapsed : 0,
      etaSeconds: done > 0 ? ((elapsed / done) * (updatesTotal - done)) / 1000 : Number.NaN,
    });
  };

  for (let epoch = first; epoch <= options.epochs && !stopped; epoch++) {
    report(epoch);
    let left = perEpoch;
    while (left > 0) {
      if (options.shouldStop?.()) {
        stopped = true;
        break;
      }
      const n = await loop.step(Math.min(chunk, left));
      await options.yieldBetweenChunks?.();
      if (n === 0) break; // the loop's length is reached (cannot happen while the batch is fixed)
      left -= n;
      done += n;
      report(epoch);
    }
    if (stopped) break;
    const evaluate = epoch % every === 0 || epoch === options.epochs;
    if (evaluate) options.onEvaluate?.(epoch);
    const onEvaluationProgress = options.onEvaluationProgress;
    // the key epoch − 1: an epoch's test numbers do not depend on the evaluations before it (a
    // resumed run's first process evaluated its last epoch, which an uninterrupted run skips)
    const { records } = await loop.closeWindow(epoch, evaluate, onEvaluationProgress && ((done, total) => onEvaluationProgress(epoch, done, total)), epoch - 1);
    records.forEach((record, i) => runs[i].epochs.push(record));
    epochsDone = epoch;
    await options.onEpoch?.(epoch, records);
  }
  return { runs, epochs: epochsDone, stopped, seconds: (now() - start) / 1000 };
}
